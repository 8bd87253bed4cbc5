/**
 * Layers with torch's names and state_dict layout: {@link org.rcnn4j.nn.Block} (parameters, buffers, children,
 * {@code stateDict()}, {@code to(backend)}), Conv2d, ConvTranspose2d, Linear, BatchNorm2d, FrozenBatchNorm2d, ReLU,
 * MaxPool2d, Dropout, Sequential, and torch's initialization rules.
 */
package org.rcnn4j.nn;
