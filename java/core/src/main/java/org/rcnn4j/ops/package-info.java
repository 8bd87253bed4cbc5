/**
 * The mask head's training targets (RoIAlign of each ground-truth mask onto its proposal). Internal, not exported;
 * it is moving into the backend's mask_targets family and the detection package, after which this package goes
 * away.
 */
package org.rcnn4j.ops;
