/**
 * The differentiable functional layer (torch.nn.functional's role): ops on {@link org.rcnn4j.autograd.Var}s that
 * compute forward on the Vars' {@link org.rcnn4j.backend.Backend} and record their backward with
 * {@link org.rcnn4j.autograd.Autograd#record}. {@link org.rcnn4j.nn.functional.Functional} holds the layers
 * (conv2d, linear, roi_align, max_pool2d, batch_norm, ...), {@link org.rcnn4j.nn.functional.TensorMath} the
 * elementwise, reduction and shape ops, {@link org.rcnn4j.nn.functional.LossFunctions} the detection losses,
 * {@link org.rcnn4j.nn.functional.Rearrange} the RPN's permute-and-concat and
 * {@link org.rcnn4j.nn.functional.AdaptivePool} adaptive average pooling. No numeric kernel lives here: the
 * arithmetic is the backend's.
 */
package org.rcnn4j.nn.functional;
