/**
 * Training recipes: the demo's (backbone pretraining on Fashion-MNIST items, then the detector on scenes of them),
 * the detector training behind {@code rcnn4j train}, and the loss curves they draw.
 */
package org.rcnn4j.recipes;
