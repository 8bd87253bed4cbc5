/**
 * The R-CNN family as torchvision builds it: {@link org.rcnn4j.detection.FasterRcnn} and
 * {@link org.rcnn4j.detection.MaskRcnn} compose a detector ({@link org.rcnn4j.detection.GeneralizedRcnn}) from its
 * parts and settings as torchvision's FasterRCNN / MaskRCNN constructors do, every part replaceable by a Block
 * implementing {@link org.rcnn4j.detection.ProposalHead}, {@link org.rcnn4j.detection.BoxHead},
 * {@link org.rcnn4j.detection.BoxPredictor}, {@link org.rcnn4j.detection.MaskHead} or
 * {@link org.rcnn4j.detection.MaskPredictor}; {@link org.rcnn4j.detection.Models} makes torchvision's detectors and
 * the small variants by name with torchvision's state_dict keys; {@link org.rcnn4j.detection.FineTuning} gives a
 * pretrained detector new predictors for other classes. Also the parts they are made of: the transform, anchors,
 * the region proposal network, the RoI heads, the mask head, their losses and postprocessing, and
 * {@link org.rcnn4j.detection.Weights} to load torchvision's weight files. Detections come back as
 * {@link org.rcnn4j.detection.ImageDetections}, Mask R-CNN's masks at full size or, for photos of any size, each at
 * its paste window ({@link org.rcnn4j.detection.MaskOutput#asCrops()}, {@link org.rcnn4j.detection.MaskCrop}).
 */
package org.rcnn4j.detection;
