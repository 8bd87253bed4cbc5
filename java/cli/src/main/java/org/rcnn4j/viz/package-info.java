/**
 * Pictures and plots the CLI writes: detections drawn on images with tags that do not overlap, grids of scenes,
 * line plots of training curves, PNG output, all headless (java.awt without a display).
 */
package org.rcnn4j.viz;
