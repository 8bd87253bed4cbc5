package org.rcnn4j.backend.cuda;

import org.rcnn4j.backend.PasteMasksArgs;
import org.rcnn4j.backend.PasteWindows;
import org.rcnn4j.cuda.CudaDevice;
import org.rcnn4j.cuda.DeviceBuffer;
import org.rcnn4j.cuda.kernels.PasteMasksKernels;
import org.rcnn4j.tensor.DType;
import org.rcnn4j.tensor.Tensor;

/**
 * roi_heads.paste_masks_in_image on the device: one kernel writes the whole [K,1,H,W] output (zeros outside each
 * box), box geometry derived on the device. Same results as the CPU backend (PasteMasksCpu), including its
 * departures from torchvision for boxes that miss the image, inverted boxes and non-finite boxes (all-zero masks).
 * Or only one window of each mask, written packed (the same values there).
 */
final class PasteMasksCuda {
    private final CudaDevice device;

    PasteMasksCuda(CudaDevice device) {
        this.device = device;
    }

    Tensor paste(Tensor masks, Tensor boxes, int imageHeight, int imageWidth, int padding) {
        PasteMasksArgs.check(masks, boxes, imageHeight, imageWidth, padding);
        DeviceChecks.requireDevice("masks", masks);
        DeviceChecks.requireDevice("boxes", boxes);
        int k = masks.size(0);
        int m = masks.size(3);
        return DeviceOutputs.filled(device, DType.F32, new int[] {k, 1, imageHeight, imageWidth},
                out -> PasteMasksKernels.paste(device, masks.deviceBuffer(), boxes.deviceBuffer(), out.deviceBuffer(),
                        k, m, padding, imageHeight, imageWidth));
    }

    /** One window per mask, the windows and their offsets in the output uploaded (no host sync). */
    Tensor pasteInWindows(Tensor masks, Tensor boxes, int imageHeight, int imageWidth, int padding, int[] windows) {
        int total = PasteMasksArgs.checkWindows(masks, boxes, imageHeight, imageWidth, padding, windows);
        DeviceChecks.requireDevice("masks", masks);
        DeviceChecks.requireDevice("boxes", boxes);
        int k = masks.size(0);
        int m = masks.size(3);
        long[] offsets = new long[k];
        int widest = 0;
        int tallest = 0;
        for (int i = 0; i < k; i++) {
            offsets[i] = i == 0 ? 0 : offsets[i - 1] + PasteWindows.area(windows, i - 1);
            widest = Math.max(widest, windows[4 * i + 2] - windows[4 * i]);
            tallest = Math.max(tallest, windows[4 * i + 3] - windows[4 * i + 1]);
        }
        if (k == 0 || total == 0) {
            return Transfers.empty(device, DType.F32, total);
        }
        int wide = widest;
        int tall = tallest;
        try (DeviceBuffer w = device.allocate(4L * windows.length); DeviceBuffer o = device.allocate(8L * k)) {
            device.copyHostToDevice(w, windows);
            device.copyHostToDevice(o, offsets);
            return DeviceOutputs.filled(device, DType.F32, new int[] {total},
                    out -> PasteMasksKernels.pasteInWindows(device, masks.deviceBuffer(), boxes.deviceBuffer(), w, o,
                            out.deviceBuffer(), k, m, padding, imageHeight, imageWidth, wide, tall));
        }
    }

}
