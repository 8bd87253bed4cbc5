/**
 * Region proposals without a network: Felzenszwalb-Huttenlocher graph segmentation and selective search
 * (hierarchical grouping over color spaces and similarity strategies), as the original R-CNN used them.
 */
package org.rcnn4j.proposals;
