/**
 * Datasets for detection: the {@link org.rcnn4j.data.Sample} a detector trains on, COCO-format folders read as
 * samples, the demo's scenes of Fashion-MNIST items ({@link org.rcnn4j.data.FashionMnistScenes}; the items
 * themselves come from the rcnn4j-demo-data artifact), image files, flips and a batching loader.
 */
package org.rcnn4j.data;
