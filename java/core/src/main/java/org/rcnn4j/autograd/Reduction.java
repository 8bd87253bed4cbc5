package org.rcnn4j.autograd;

/** How a loss reduces its per-element values (torch's reduction=). */
public enum Reduction {
    SUM, MEAN
}
