/**
 * The detectors' backbones: ResNet-50 and VGG-16 as torchvision has them, the small four-stage ConvNet of the small
 * models, the feature pyramid network, and {@link org.rcnn4j.detection.backbone.Norm}, the choice between frozen
 * and trainable batch norm.
 */
package org.rcnn4j.detection.backbone;
