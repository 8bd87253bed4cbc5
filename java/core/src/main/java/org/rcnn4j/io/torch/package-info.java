/**
 * Reading PyTorch {@code .pth} files in pure Java ({@link org.rcnn4j.io.torch.TorchFiles}): the zip format of torch
 * 1.6 and later and the legacy format, through an unpickler that accepts only torch's tensor-rebuilding globals and
 * executes nothing from the file; and {@link org.rcnn4j.io.torch.LegacyKeys}, the state_dict key renames
 * torchvision applies to files saved before 2020.
 */
package org.rcnn4j.io.torch;
