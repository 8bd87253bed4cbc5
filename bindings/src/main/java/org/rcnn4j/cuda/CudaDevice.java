package org.rcnn4j.cuda;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import jcuda.Pointer;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdevice_attribute;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUevent;
import jcuda.driver.CUevent_flags;
import jcuda.driver.CUfunction;
import jcuda.driver.CUmodule;
import jcuda.driver.CUresult;
import jcuda.driver.CUstream;
import jcuda.driver.CUstream_flags;
import jcuda.driver.JCudaDriver;

/**
 * One CUDA device, real or emulated, shared by the whole process: its retained primary context (made current on
 * each thread that calls in), rcnn4j's stream (every launch and copy goes there, so they run in call order), a
 * caching allocator and the kernels of rcnn4j's fatbin.
 *
 * <p>A JVM loads one libcuda: opening an emulated device after a real one (or the reverse) throws
 * IllegalStateException. Copies to Java arrays are synchronous (a Java array is pinned only during one JNI call);
 * copies from Java arrays go through pinned staging blocks and are queued like launches ({@link UploadStaging}),
 * and launches are asynchronous unless the system property {@code rcnn4j.cuda.syncLaunches=true}.
 *
 * <p>The device counts its host synchronizations (each time the host waits for the stream: a device-to-host copy,
 * {@link #synchronize}, a timed region, a synchronous upload) and the bytes copied each way, process-wide
 * ({@link #syncCount}, {@link #bytesToHost}, {@link #bytesToDevice}); {@code rcnn4j.cuda.traceSyncs=true} prints
 * the stack of each synchronization to stderr, and {@code rcnn4j.cuda.syncSites=true} tallies them by call site
 * ({@link SyncSites}).
 */
public final class CudaDevice implements AutoCloseable {
    /** Which libcuda this JVM loaded: null before the first open, then TRUE (emulator) or FALSE (driver). */
    private static Boolean libraryEmulated;
    private static final Map<Integer, CudaDevice> DEVICES = new HashMap<>();
    /** The context this thread last made current through rcnn4j. */
    private static final ThreadLocal<CUcontext> CURRENT = new ThreadLocal<>();

    private final boolean emulated;
    private final int ordinal;
    private final CUdevice device;
    private final CUcontext context;
    private final CUstream stream;
    private final String name;
    private final int computeMajor;
    private final int computeMinor;
    private final int multiprocessors;
    private final boolean syncLaunches;
    private final CachingAllocator allocator;
    private final UploadStaging staging;
    private final AtomicLong syncs;
    private final AtomicLong toHostBytes;
    private final AtomicLong toDeviceBytes;
    private final Map<String, Kernel> kernels;
    /** The process-wide device: itself, or the one this handle ({@link #openHandle}) is on. */
    private final CudaDevice shared;
    /** The buffers allocated through this object: the device's own, or one handle's. */
    private final Allocations allocations;
    private CUmodule module;

    private CudaDevice(boolean emulated, int ordinal) {
        this.emulated = emulated;
        this.ordinal = ordinal;
        this.syncLaunches = Boolean.getBoolean("rcnn4j.cuda.syncLaunches");
        this.device = new CUdevice();
        Driver.check(JCudaDriver.cuDeviceGet(device, ordinal), "cuDeviceGet(" + ordinal + ")");
        this.context = new CUcontext();
        Driver.check(JCudaDriver.cuDevicePrimaryCtxRetain(context, device),
                "cuDevicePrimaryCtxRetain(device " + ordinal + ")");
        Driver.check(JCudaDriver.cuCtxSetCurrent(context), "cuCtxSetCurrent(primary context of device " + ordinal + ")");
        CURRENT.set(context);
        byte[] nameBytes = new byte[256];
        Driver.check(JCudaDriver.cuDeviceGetName(nameBytes, nameBytes.length, device), "cuDeviceGetName");
        this.name = cString(nameBytes);
        this.computeMajor = attribute(CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR, "major");
        this.computeMinor = attribute(CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR, "minor");
        this.multiprocessors = attribute(CUdevice_attribute.CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT, "SM count");
        this.stream = new CUstream();
        // A blocking stream (not CU_STREAM_NON_BLOCKING): kernels queued after a synchronous cuMemcpyHtoD wait for
        // its DMA, which may still be in flight when the call returns for pageable (Java) memory.
        Driver.check(JCudaDriver.cuStreamCreate(stream, CUstream_flags.CU_STREAM_DEFAULT), "cuStreamCreate");
        String exact = System.getProperty("rcnn4j.cuda.exactAllocations");
        this.allocator = new CachingAllocator(this, exact == null || exact.isBlank() ? emulated
                : Boolean.parseBoolean(exact.trim()));
        this.staging = new UploadStaging();
        this.syncs = new AtomicLong();
        this.toHostBytes = new AtomicLong();
        this.toDeviceBytes = new AtomicLong();
        this.kernels = new ConcurrentHashMap<>();
        this.shared = this;
        this.allocations = new Allocations((emulated ? "emulated " : "") + "CUDA device " + ordinal, allocator);
    }

    /** A handle on {@code shared} (see {@link #openHandle}): its context, stream, memory pool and kernels. */
    private CudaDevice(CudaDevice shared, String owner) {
        this.emulated = shared.emulated;
        this.ordinal = shared.ordinal;
        this.syncLaunches = shared.syncLaunches;
        this.device = shared.device;
        this.context = shared.context;
        this.name = shared.name;
        this.computeMajor = shared.computeMajor;
        this.computeMinor = shared.computeMinor;
        this.multiprocessors = shared.multiprocessors;
        this.stream = shared.stream;
        this.allocator = shared.allocator;
        this.staging = shared.staging;
        this.syncs = shared.syncs;
        this.toHostBytes = shared.toHostBytes;
        this.toDeviceBytes = shared.toDeviceBytes;
        this.kernels = shared.kernels;
        this.shared = shared;
        this.allocations = new Allocations(owner, allocator);
    }

    /**
     * The process-wide device {@code ordinal}; {@code emulated} selects the CPU emulation of CUDA (cuda-emu).
     *
     * @throws CudaUnavailableException no driver, no such device, or the driver failed to initialize
     * @throws IllegalStateException this JVM already loaded the other libcuda (real vs. emulated)
     */
    public static synchronized CudaDevice open(boolean emulated, int ordinal) {
        if (ordinal < 0) {
            throw new IllegalArgumentException("ordinal: must be >= 0, got " + ordinal);
        }
        if (libraryEmulated != null && libraryEmulated != emulated) {
            throw new IllegalStateException("this JVM already loaded " + library(libraryEmulated)
                    + "; one JVM has one libcuda, so it cannot also open " + library(emulated)
                    + " (run " + (emulated ? "cuda-emu" : "cuda") + " in a separate JVM)");
        }
        CudaDevice existing = DEVICES.get(ordinal);
        if (existing != null) {
            return existing;
        }
        if (libraryEmulated == null) {
            loadLibrary(emulated);
        }
        int init = JCudaDriver.cuInit(0);
        if (init != CUresult.CUDA_SUCCESS) {
            throw new CudaUnavailableException("CUDA " + (emulated ? "emulator" : "driver")
                    + " failed to initialize (cuInit): " + Driver.describe(init));
        }
        int[] count = new int[1];
        Driver.check(JCudaDriver.cuDeviceGetCount(count), "cuDeviceGetCount");
        if (ordinal >= count[0]) {
            throw new CudaUnavailableException("no CUDA device " + ordinal + ": " + library(emulated) + " reports "
                    + count[0] + " device(s)");
        }
        CudaDevice d = new CudaDevice(emulated, ordinal);
        DEVICES.put(ordinal, d);
        return d;
    }

    /**
     * A handle on this device for one owner, such as a backend, named {@code owner} in messages ("the cuda-emu
     * backend"). It runs on the device's context and stream, with its memory pool and kernels, and keeps track of
     * the buffers allocated through it: {@link #close()} frees those still open and the pool's cached blocks, and
     * any later use of the handle or of those buffers throws IllegalStateException naming the owner. A buffer that
     * becomes unreachable while open is freed by a safety net and counted ({@link #leakedBuffers()}).
     */
    public CudaDevice openHandle(String owner) {
        if (owner == null || owner.isBlank()) {
            throw new IllegalArgumentException("owner: expected a name for messages, got '" + owner + "'");
        }
        checkOpen();
        return new CudaDevice(shared, owner);
    }

    /** The process-wide device this is a handle on (itself when it is not one). */
    public CudaDevice shared() {
        return shared;
    }

    /** Throws IllegalStateException naming the owner once this handle is closed. */
    public void checkOpen() {
        allocations.checkOpen();
    }

    /** Whether this handle was closed (never for the process-wide device). */
    public boolean isClosed() {
        return allocations.isClosed();
    }

    /** Loads the emulator or checks for the real driver, then JCuda's driver binding, which links against it. */
    private static void loadLibrary(boolean emulated) {
        if (emulated) {
            try {
                EmulatorLibrary.load();
            } catch (CudaUnavailableException e) {
                throw e;
            } catch (RuntimeException | LinkageError e) {
                throw new CudaUnavailableException("the CUDA emulator could not be loaded: " + e.getMessage(), e);
            }
            libraryEmulated = Boolean.TRUE;
        } else {
            if (EmulatorLibrary.isLoaded()) {
                libraryEmulated = Boolean.TRUE;
                throw new IllegalStateException("this JVM already loaded the CUDA emulator's libcuda.so.1; "
                        + "it cannot also load the real CUDA driver");
            }
            if (!DriverProbe.driverPresent()) {
                throw new CudaUnavailableException("no CUDA driver (" + DriverProbe.LIBRARY
                        + ") on this machine");
            }
            libraryEmulated = Boolean.FALSE;
        }
        try {
            JCudaDriver.setExceptionsEnabled(false);
        } catch (LinkageError e) {
            throw new CudaUnavailableException("JCuda's driver binding failed to load against "
                    + library(emulated) + modulePathHint() + ": " + e, e);
        }
    }

    /**
     * On the module path JCuda, an automatic module, looks for its native library only inside itself, not in the
     * jcuda-natives jar (jcuda/jcuda-main#40): say how to put it there.
     */
    private static String modulePathHint() {
        if (!JCudaDriver.class.getModule().isNamed()) {
            return "";
        }
        return " (JCuda runs as a named module: add --patch-module jcuda=<the jcuda-natives jar> to the java command, "
                + "or put its library on java.library.path)";
    }

    private static String library(boolean emulated) {
        return emulated ? "the CUDA emulator" : "the real CUDA driver";
    }

    /** Makes this device's context current on the calling thread if rcnn4j has not done so already. */
    void enter() {
        if (CURRENT.get() != context) {
            makeCurrent();
        }
    }

    /**
     * Makes this device's primary context current on the calling thread unconditionally; for threads where other
     * code may have switched contexts behind rcnn4j's back.
     */
    public void makeCurrent() {
        Driver.check(JCudaDriver.cuCtxSetCurrent(context), "cuCtxSetCurrent(primary context of device " + ordinal
                + ")");
        CURRENT.set(context);
    }

    // ---- identity ---------------------------------------------------------------------------------------------

    public boolean isEmulated() {
        return emulated;
    }

    public int ordinal() {
        return ordinal;
    }

    /** The device's name as the driver reports it (e.g. "NVIDIA H100 80GB HBM3"). */
    public String name() {
        return name;
    }

    public int computeCapabilityMajor() {
        return computeMajor;
    }

    public int computeCapabilityMinor() {
        return computeMinor;
    }

    public int multiprocessorCount() {
        return multiprocessors;
    }

    /** The retained primary context (the one the CUDA runtime, cuBLAS and cuDNN also use). */
    public CUcontext context() {
        return context;
    }

    /** rcnn4j's stream: all of rcnn4j's launches and copies are queued here. */
    public CUstream stream() {
        return stream;
    }

    boolean syncLaunches() {
        return syncLaunches;
    }

    private int attribute(int attribute, String what) {
        int[] value = new int[1];
        Driver.check(JCudaDriver.cuDeviceGetAttribute(value, attribute, device), "cuDeviceGetAttribute(" + what + ")");
        return value[0];
    }

    /** "CUDA 12.4" as the driver reports it, or "of unknown version". */
    private static String driverVersion() {
        int[] v = new int[1];
        if (JCudaDriver.cuDriverGetVersion(v) != CUresult.CUDA_SUCCESS) {
            return "of unknown version";
        }
        return "CUDA " + v[0] / 1000 + "." + (v[0] % 1000) / 10;
    }

    private static String cString(byte[] bytes) {
        int n = 0;
        while (n < bytes.length && bytes[n] != 0) {
            n++;
        }
        return new String(bytes, 0, n, StandardCharsets.UTF_8).trim();
    }

    // ---- memory -----------------------------------------------------------------------------------------------

    /** Device memory from the caching allocator, tracked by this handle; contents undefined. */
    public DeviceBuffer allocate(long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("bytes: must be >= 0, got " + bytes);
        }
        return allocations.allocate(bytes);
    }

    /** Device memory from the caching allocator, zeroed on the stream (for kernels that accumulate). */
    public DeviceBuffer allocateZeroed(long bytes) {
        DeviceBuffer b = allocate(bytes);
        try {
            memsetZero(b);
            return b;
        } catch (RuntimeException e) {
            b.close();
            throw e;
        }
    }

    /**
     * Bytes the allocator reserves for a request of {@code bytes}: rounded up to its size class (512 B steps below
     * 1 MiB, 2 MiB steps above) on a GPU; exact on the emulator, whose guard bands then catch out-of-bounds
     * writes (system property rcnn4j.cuda.exactAllocations=true/false overrides).
     */
    public long blockSize(long bytes) {
        return allocator.blockSize(bytes);
    }

    /**
     * Bytes of the blocks handed out and not closed, process-wide: held by open buffers, or by buffers that leaked
     * (garbage-collected unclosed), whether or not the safety net has returned their blocks to the cache yet. So the
     * number moves with allocations and closes only, never with the collector's timing: a leak stays visible here
     * (as it did before the safety net); {@link #leakedBuffers()} counts the leaks, {@link #openBytes()} a handle's
     * open buffers.
     */
    public long bytesInUse() {
        return allocator.bytesInUseCountingLeaks();
    }

    /** Bytes of freed blocks kept for reuse. */
    public long bytesCached() {
        return allocator.bytesCached();
    }

    /** Buffers allocated and not closed, process-wide, leaked ones included (see {@link #bytesInUse()}). */
    public long liveAllocations() {
        return allocator.liveAllocationsCountingLeaks();
    }

    /** Returns every cached block to the driver (waits for the stream first), after the leaked ones of this handle. */
    public void emptyCache() {
        allocations.recycleLeaked();
        allocator.emptyCache();
    }

    /** Buffers allocated through this object (the device itself, or this handle) and still open. */
    public long openBuffers() {
        return allocations.openBuffers();
    }

    /** Bytes of the blocks of {@link #openBuffers()}. */
    public long openBytes() {
        return allocations.openBytes();
    }

    /** Buffers of this object that became unreachable while open, freed by the safety net (a Cleaner) so far. */
    public long leakedBuffers() {
        return allocations.leakedBuffers();
    }

    /** Bytes of the blocks of {@link #leakedBuffers()} (as {@link #openBytes()} counts them). */
    public long leakedBytes() {
        return allocations.leakedBytes();
    }

    /**
     * Returns the blocks of leaked buffers to the pool. They wait until a call here because a leaked tensor may be
     * collected inside the op that last reads it; call this where no op of this handle is running (the CUDA
     * backend does at each op family call).
     */
    public void recycleLeaked() {
        allocations.recycleLeaked();
    }

    // ---- kernels ----------------------------------------------------------------------------------------------

    /** A kernel of rcnn4j's fatbin by its extern "C" name. */
    public Kernel kernel(String name) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("kernel name is null or empty");
        }
        checkOpen();
        if (shared != this) {
            return shared.kernel(name);
        }
        Kernel k = kernels.get(name);
        if (k != null) {
            return k;
        }
        return kernels.computeIfAbsent(name, this::loadKernel);
    }

    /** Whether this build has kernels for this device; else {@link #kernelsUnavailableReason()} says why. */
    public boolean kernelsAvailable() {
        return emulated || Fatbin.present();
    }

    /** Why {@link #kernelsAvailable()} is false (null when it is true). */
    public String kernelsUnavailableReason() {
        return kernelsAvailable() ? null : Fatbin.missingReason();
    }

    private Kernel loadKernel(String kernelName) {
        CUmodule m = module();
        enter();
        CUfunction f = new CUfunction();
        int result = JCudaDriver.cuModuleGetFunction(f, m, kernelName);
        if (result != CUresult.CUDA_SUCCESS) {
            throw new CudaException("no kernel named '" + kernelName + "' in rcnn4j's "
                    + (emulated ? "emulated kernels" : "fatbin") + " (cuModuleGetFunction: " + Driver.describe(result)
                    + ")", result);
        }
        return new Kernel(this, kernelName, f);
    }

    private synchronized CUmodule module() {
        if (shared != this) {
            return shared.module();
        }
        if (module == null) {
            byte[] image = Fatbin.bytesOrNull();
            if (image == null) {
                if (!emulated) {
                    throw new CudaUnavailableException("rcnn4j's CUDA kernels are not in this build: "
                            + Fatbin.missingReason());
                }
                // the emulator runs the kernels compiled into it and only checks that it is given a module image: a
                // NUL-terminated PTX header is the smallest one it accepts
                image = "// rcnn4j: kernels compiled into the CUDA emulator\n.version 8.0\n.target sm_90\n\0"
                        .getBytes(StandardCharsets.US_ASCII);
            }
            enter();
            CUmodule m = new CUmodule();
            int result = JCudaDriver.cuModuleLoadData(m, image);
            if (result != CUresult.CUDA_SUCCESS) {
                throw new CudaException("cuModuleLoadData(rcnn4j.fatbin, " + image.length + " bytes) failed on "
                        + name + " (compute capability " + computeMajor + "." + computeMinor + ", driver "
                        + driverVersion() + "): " + Driver.describe(result) + "; the fatbin holds cubins for the "
                        + "architectures rcnn4j was built for (RCNN4J_CUDA_ARCHS) and PTX that needs a driver as "
                        + "new as the nvcc that built it", result);
            }
            module = m;
        }
        return module;
    }

    // ---- copies and fills -------------------------------------------------------------------------------------

    /** Copies all of {@code hostArray} (float[], double[], long[], int[] or byte[]) to the start of dst. */
    public void copyHostToDevice(DeviceBuffer dst, Object hostArray) {
        copyHostToDevice(dst, hostArray, 0, HostArrays.length(hostArray));
    }

    /**
     * Copies {@code count} elements of hostArray from element {@code offset} to the start of dst: queued on the
     * stream through a pinned staging block (the array may be reused as soon as this returns), or, when pinned
     * memory is short, synchronously after waiting for the stream (counted as a synchronization).
     */
    public void copyHostToDevice(DeviceBuffer dst, Object hostArray, int offset, int count) {
        checkOpen();
        long bytes = hostCopyBytes(hostArray, offset, count, dst, "destination");
        if (bytes == 0) {
            return;
        }
        CUdeviceptr dptr = dst.pointer();
        enter();
        toDeviceBytes.addAndGet(bytes);
        if (staging.upload(dptr, hostArray, offset, count, bytes, stream)) {
            return;
        }
        Pointer src = hostPointer(hostArray, offset);
        // wait for queued work that may still read dst; the copy itself is ordered before later stream work
        waitForStream("cuStreamSynchronize before a host-to-device copy");
        Driver.check(JCudaDriver.cuMemcpyHtoD(dptr, src, bytes), "cuMemcpyHtoD of " + bytes + " bytes");
    }

    /** Fills all of {@code hostArray} from the start of src. */
    public void copyDeviceToHost(Object hostArray, DeviceBuffer src) {
        copyDeviceToHost(hostArray, 0, HostArrays.length(hostArray), src);
    }

    /** Copies {@code count} elements from the start of src into hostArray from element {@code offset}. */
    public void copyDeviceToHost(Object hostArray, int offset, int count, DeviceBuffer src) {
        checkOpen();
        long bytes = hostCopyBytes(hostArray, offset, count, src, "source");
        if (bytes == 0) {
            return;
        }
        Pointer dst = hostPointer(hostArray, offset);
        CUdeviceptr sptr = src.pointer();
        enter();
        waitForStream("waiting for queued work before a device-to-host copy (an earlier kernel may have failed)");
        toHostBytes.addAndGet(bytes);
        Driver.check(JCudaDriver.cuMemcpyDtoH(dst, sptr, bytes), "cuMemcpyDtoH of " + bytes + " bytes");
    }

    /**
     * Fills each of {@code hostArrays} (whole) from the start of the matching buffer of {@code sources} after one
     * wait for the stream: one synchronization for all of them (the stream is idle for the copies that follow).
     */
    public void copyDeviceToHost(List<Object> hostArrays, List<DeviceBuffer> sources) {
        if (hostArrays.size() != sources.size()) {
            throw new IllegalArgumentException("hostArrays and sources: " + hostArrays.size() + " arrays for "
                    + sources.size() + " buffers");
        }
        checkOpen();
        long[] bytes = new long[sources.size()];
        long total = 0;
        for (int i = 0; i < bytes.length; i++) {
            Object a = hostArrays.get(i);
            bytes[i] = hostCopyBytes(a, 0, HostArrays.length(a), sources.get(i), "source");
            total += bytes[i];
        }
        if (total == 0) {
            return;
        }
        enter();
        waitForStream("waiting for queued work before device-to-host copies (an earlier kernel may have failed)");
        toHostBytes.addAndGet(total);
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] > 0) {
                Driver.check(JCudaDriver.cuMemcpyDtoH(HostArrays.pointer(hostArrays.get(i)),
                        sources.get(i).pointer(), bytes[i]), "cuMemcpyDtoH of " + bytes[i] + " bytes");
            }
        }
    }

    /** The host waits for the stream to drain: one counted synchronization. */
    private void waitForStream(String what) {
        countSync();
        Driver.check(JCudaDriver.cuStreamSynchronize(stream), what);
    }

    /** Counts one host synchronization (and prints or tallies where it comes from when asked to). */
    void countSync() {
        syncs.incrementAndGet();
        if (Boolean.getBoolean("rcnn4j.cuda.traceSyncs")) {
            new Throwable("rcnn4j.cuda.traceSyncs: host synchronization #" + syncs.get()).printStackTrace();
        }
        if (SyncSites.enabled()) {
            SyncSites.record();
        }
    }

    /** Host synchronizations so far (process-wide; compare two readings). */
    public long syncCount() {
        return syncs.get();
    }

    /** Bytes copied from the device to the host so far. */
    public long bytesToHost() {
        return toHostBytes.get();
    }

    /** Bytes copied from the host to the device so far. */
    public long bytesToDevice() {
        return toDeviceBytes.get();
    }

    /** Queues a copy of {@code bytes} bytes from the start of src to the start of dst on the stream. */
    public void copyDeviceToDevice(DeviceBuffer dst, DeviceBuffer src, long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("bytes: must be >= 0, got " + bytes);
        }
        checkOpen();
        checkFits(bytes, src, "source");
        checkFits(bytes, dst, "destination");
        if (bytes == 0) {
            return;
        }
        CUdeviceptr d = dst.pointer();
        CUdeviceptr s = src.pointer();
        enter();
        Driver.check(JCudaDriver.cuMemcpyDtoDAsync(d, s, bytes, stream), "cuMemcpyDtoDAsync of " + bytes + " bytes");
    }

    /** Queues zeroing of all of buf. */
    public void memsetZero(DeviceBuffer buf) {
        fillBytes(buf, (byte) 0);
    }

    /** Queues setting every byte of buf to {@code value}. */
    public void fillBytes(DeviceBuffer buf, byte value) {
        long bytes = buf.byteSize();
        if (bytes == 0) {
            return;
        }
        CUdeviceptr p = buf.pointer();
        enter();
        Driver.check(JCudaDriver.cuMemsetD8Async(p, value, bytes, stream), "cuMemsetD8Async of " + bytes + " bytes");
    }

    /** Queues setting every 32-bit word of buf (byteSize / 4 of them) to {@code value}. */
    public void fillInts(DeviceBuffer buf, int value) {
        long words = buf.byteSize() / 4;
        if (words == 0) {
            return;
        }
        CUdeviceptr p = buf.pointer();
        enter();
        Driver.check(JCudaDriver.cuMemsetD32Async(p, value, words, stream), "cuMemsetD32Async of " + words
                + " words");
    }

    /** Queues setting every float of buf to {@code value} (bit-exact, so NaN payloads survive). */
    public void fillFloats(DeviceBuffer buf, float value) {
        fillInts(buf, Float.floatToRawIntBits(value));
    }

    /**
     * Checks a host-side copy of {@code count} elements of hostArray from {@code offset} against the array and the
     * device buffer (the array's type first, so an unsupported array is reported as such) and returns its bytes.
     */
    private static long hostCopyBytes(Object hostArray, int offset, int count, DeviceBuffer buf, String role) {
        int elem = HostArrays.elementBytes(hostArray);
        HostArrays.checkRange(hostArray, offset, count);
        long bytes = (long) count * elem;
        checkFits(bytes, buf, role);
        return bytes;
    }

    /** Where element {@code offset} of hostArray lies, as a JCuda host pointer. */
    private static Pointer hostPointer(Object hostArray, int offset) {
        return HostArrays.pointer(hostArray).withByteOffset((long) offset * HostArrays.elementBytes(hostArray));
    }

    private static void checkFits(long bytes, DeviceBuffer buf, String role) {
        if (bytes > buf.byteSize()) {
            throw new IllegalArgumentException(role + " device buffer holds " + buf.byteSize() + " bytes, fewer than "
                    + "the " + bytes + " bytes to copy");
        }
    }

    // ---- ordering and timing ----------------------------------------------------------------------------------

    /** Waits for all work queued on rcnn4j's stream; a kernel's asynchronous failure surfaces here. */
    public void synchronize() {
        checkOpen();
        enter();
        waitForStream("cuStreamSynchronize (waiting for queued kernels and copies)");
    }

    /**
     * Device time of the work {@code work} queues on rcnn4j's stream, in milliseconds, between two events recorded
     * around it. Warm-up (first-launch module loading, allocator growth) is the caller's job.
     */
    public float elapsedMillis(Runnable work) {
        enter();
        CUevent start = new CUevent();
        CUevent stop = new CUevent();
        Driver.check(JCudaDriver.cuEventCreate(start, CUevent_flags.CU_EVENT_DEFAULT), "cuEventCreate");
        try {
            Driver.check(JCudaDriver.cuEventCreate(stop, CUevent_flags.CU_EVENT_DEFAULT), "cuEventCreate");
            try {
                Driver.check(JCudaDriver.cuEventRecord(start, stream), "cuEventRecord(start)");
                work.run();
                enter();
                Driver.check(JCudaDriver.cuEventRecord(stop, stream), "cuEventRecord(stop)");
                countSync();
                Driver.check(JCudaDriver.cuEventSynchronize(stop), "cuEventSynchronize(stop)");
                float[] ms = new float[1];
                Driver.check(JCudaDriver.cuEventElapsedTime(ms, start, stop), "cuEventElapsedTime");
                return ms[0];
            } finally {
                JCudaDriver.cuEventDestroy(stop);
            }
        } finally {
            JCudaDriver.cuEventDestroy(start);
        }
    }

    /**
     * On a handle ({@link #openHandle}): frees every buffer allocated through it that is still open, then gives the
     * pool's cached blocks back to the driver; later uses of the handle or its buffers throw IllegalStateException.
     * Idempotent. On the process-wide device: does nothing (its context, stream, kernels and memory are shared by
     * every user; call {@link #emptyCache()} to give cached memory back).
     */
    @Override
    public void close() {
        if (shared == this || allocations.isClosed()) {
            return;
        }
        allocations.close();
        allocator.emptyCache();
    }

    @Override
    public String toString() {
        return (shared == this ? "" : allocations.name() + "'s handle on ") + (emulated ? "emulated " : "")
                + "CUDA device " + ordinal + " (" + name + ", compute capability "
                + computeMajor + "." + computeMinor + ", " + multiprocessors + " SMs)";
    }
}
