/**
 * autograd's own CPU kernels (elementwise math, gather, max pooling, losses). Internal, not exported; they are
 * moving into the backend families of {@code org.rcnn4j.backend.cpu}, after which this package goes away.
 */
package org.rcnn4j.autograd.cpu;
