/**
 * The R-CNN family as torchvision builds it: {@link org.rcnn4j.detection.Models} makes Faster R-CNN, Mask R-CNN and
 * their small variants ({@link org.rcnn4j.detection.GeneralizedRcnn}) with torchvision's state_dict keys, and the
 * parts they are made of: the transform, anchors, the region proposal network, the RoI heads, the mask head, their
 * losses and postprocessing, and {@link org.rcnn4j.detection.Weights} to load torchvision's weight files.
 */
package org.rcnn4j.detection;
