/**
 * autograd's own CUDA kernel calls (elementwise math, reductions, gather, max pooling, losses). Internal, not
 * exported; they are moving into the backend families of {@code org.rcnn4j.backend.cuda}, after which this package
 * goes away.
 */
package org.rcnn4j.autograd.cuda;
