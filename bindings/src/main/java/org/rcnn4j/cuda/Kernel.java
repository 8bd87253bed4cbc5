package org.rcnn4j.cuda;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.atomic.AtomicInteger;
import jcuda.NativePointerObject;
import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUfunction;
import jcuda.driver.CUfunction_attribute;
import jcuda.driver.JCudaDriver;

/**
 * A kernel of rcnn4j's fatbin with a checked launch on the device's stream. Arguments are DeviceBuffer or
 * CUdeviceptr (pointers), Integer, Long, Float, Double, in the kernel's parameter order. A failed launch throws
 * CudaException naming the kernel, its grid and the CUDA error; bad arguments throw IllegalArgumentException
 * naming the kernel and the argument's index.
 */
public final class Kernel {
    /** Dynamic shared memory a kernel gets without opting in (cuFuncSetAttribute). */
    static final int DEFAULT_MAX_DYNAMIC_SHARED = 48 * 1024;
    static final int MAX_THREADS_PER_BLOCK = 1024;

    /**
     * Scalars are passed from a per-thread direct buffer, not Java arrays: JCuda pins arrays with
     * GetPrimitiveArrayCritical for the whole call, which blocks GC while the emulator runs the kernel inside it.
     * The driver copies kernel parameters during cuLaunchKernel, so the buffer can be reused by the next launch.
     */
    private static final ThreadLocal<ByteBuffer> SCALARS = ThreadLocal.withInitial(() -> direct(256));

    private final CudaDevice device;
    private final String name;
    private final CUfunction function;
    private final AtomicInteger sharedOptIn = new AtomicInteger(DEFAULT_MAX_DYNAMIC_SHARED);

    Kernel(CudaDevice device, String name, CUfunction function) {
        this.device = device;
        this.name = name;
        this.function = function;
    }

    public String name() {
        return name;
    }

    /** The JCuda handle, for callers that launch it themselves. */
    public CUfunction function() {
        return function;
    }

    public CudaDevice device() {
        return device;
    }

    public void launch(Grid grid, Object... args) {
        validate(grid);
        if (args == null) {
            throw new IllegalArgumentException("kernel " + name + ": argument array is null");
        }
        ByteBuffer scalars = scalarBuffer(args);
        Pointer scalarBase = Pointer.to(scalars);
        NativePointerObject[] params = new NativePointerObject[args.length];
        int offset = 0;
        for (int i = 0; i < args.length; i++) {
            Object a = args[i];
            if (a == null) {
                throw new IllegalArgumentException("kernel " + name + ": argument " + i + " is null");
            } else if (a instanceof DeviceBuffer b) {
                params[i] = Pointer.to(pointerOf(b, i));
            } else if (a instanceof CUdeviceptr p) {
                params[i] = Pointer.to(p);
            } else if (putScalar(scalars, offset, a)) {
                params[i] = scalarBase.withByteOffset(offset);
                offset += 8;
            } else {
                throw new IllegalArgumentException("kernel " + name + ": argument " + i + " has unsupported type "
                        + a.getClass().getName() + " (expected DeviceBuffer, CUdeviceptr, Integer, Long, Float or "
                        + "Double)");
            }
        }
        device.enter();
        if (grid.sharedBytes() > sharedOptIn.get()) {
            optInSharedMemory(grid);
        }
        int result = JCudaDriver.cuLaunchKernel(function, grid.gridX(), grid.gridY(), grid.gridZ(),
                grid.blockX(), grid.blockY(), grid.blockZ(), grid.sharedBytes(), device.stream(),
                Pointer.to(params), null);
        Driver.check(result, "launch of kernel " + describe(grid));
        if (device.syncLaunches()) {
            device.countSync();
            Driver.check(JCudaDriver.cuStreamSynchronize(device.stream()),
                    "kernel " + describe(grid) + " (synchronized after launch: rcnn4j.cuda.syncLaunches=true)");
        }
    }

    private CUdeviceptr pointerOf(DeviceBuffer b, int index) {
        try {
            return b.pointer();
        } catch (IllegalStateException e) {
            throw new IllegalArgumentException("kernel " + name + ": argument " + index + ": " + e.getMessage(), e);
        }
    }

    private synchronized void optInSharedMemory(Grid grid) {
        if (grid.sharedBytes() <= sharedOptIn.get()) {
            return;
        }
        Driver.check(JCudaDriver.cuFuncSetAttribute(function,
                CUfunction_attribute.CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES, grid.sharedBytes()),
                "cuFuncSetAttribute(MAX_DYNAMIC_SHARED_SIZE_BYTES = " + grid.sharedBytes() + ") for kernel "
                        + name);
        sharedOptIn.set(grid.sharedBytes());
    }

    private void validate(Grid grid) {
        if (grid == null) {
            throw new IllegalArgumentException("kernel " + name + ": grid is null");
        }
        if (grid.gridX() < 1 || grid.gridY() < 1 || grid.gridZ() < 1 || grid.blockX() < 1 || grid.blockY() < 1
                || grid.blockZ() < 1) {
            throw new IllegalArgumentException("kernel " + describe(grid) + ": every grid and block extent must be "
                    + ">= 1");
        }
        long threads = (long) grid.blockX() * grid.blockY() * grid.blockZ();
        if (threads > MAX_THREADS_PER_BLOCK) {
            throw new IllegalArgumentException("kernel " + describe(grid) + ": " + threads
                    + " threads per block exceed " + MAX_THREADS_PER_BLOCK);
        }
        if (grid.sharedBytes() < 0) {
            throw new IllegalArgumentException("kernel " + describe(grid) + ": sharedBytes must be >= 0");
        }
    }

    String describe(Grid grid) {
        return name + " (grid " + grid.gridX() + "x" + grid.gridY() + "x" + grid.gridZ() + ", block " + grid.blockX()
                + "x" + grid.blockY() + "x" + grid.blockZ() + ", " + grid.sharedBytes() + " B dynamic shared)";
    }

    /**
     * Writes a scalar argument (int, long long, float, double) into its 8-byte slot at {@code offset} (8 bytes
     * each, so every type is aligned); false, writing nothing, for any other type.
     */
    private static boolean putScalar(ByteBuffer scalars, int offset, Object a) {
        if (a instanceof Integer v) {
            scalars.putInt(offset, v);
        } else if (a instanceof Long v) {
            scalars.putLong(offset, v);
        } else if (a instanceof Float v) {
            scalars.putFloat(offset, v);
        } else if (a instanceof Double v) {
            scalars.putDouble(offset, v);
        } else {
            return false;
        }
        return true;
    }

    private static ByteBuffer scalarBuffer(Object[] args) {
        ByteBuffer b = SCALARS.get();
        int need = 8 * args.length;
        if (b.capacity() < need) {
            b = direct(Math.max(need, 2 * b.capacity()));
            SCALARS.set(b);
        }
        return b;
    }

    private static ByteBuffer direct(int bytes) {
        return ByteBuffer.allocateDirect(bytes).order(ByteOrder.nativeOrder());
    }

    @Override
    public String toString() {
        return "Kernel " + name;
    }
}
