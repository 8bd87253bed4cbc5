/**
 * {@link org.rcnn4j.tensor.Tensor}: an n-dimensional array of one {@link org.rcnn4j.tensor.DType}, on the host or
 * on a device. A backend's ops take and return tensors; a device tensor owns its memory until it is closed.
 */
package org.rcnn4j.tensor;
