package org.rcnn4j.onednn;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * oneDNN's row-major float32 GEMM, {@code dnnl_sgemm}, and its convolution primitives (oneDNN 2.x or 3.x), through
 * rcnn4j's JNI binding ({@code librcnn4j_onednn.so}, packed in the bindings jar), which dlopens {@code libdnnl.so.3}
 * (upstream's soname), else a {@code libdnnl.so.3.N} in the system's library folders (Debian 13's {@code libdnnl3.6}
 * names it {@code libdnnl.so.3.6}), else {@code libdnnl.so.2} (Debian 12's {@code libdnnl2}), once per JVM. System
 * property {@value #LIBRARY} names other candidates instead (file paths or sonames, comma-separated). A library's
 * convolutions are checked against a float64 loop when it is opened, and withheld when they fail
 * ({@link Status#convolutionsWithheld()}).
 *
 * <p>Each call runs on {@code threads} threads of oneDNN's own (OpenMP) pool: the count is set on the calling
 * thread before every call, so the work split, and with it every result bit, is fixed for a given machine and
 * count.
 *
 * <p>Between calls those OpenMP threads spin before they sleep, and rcnn4j's Java threads need the same cores then.
 * So oneDNN is opened with libgomp's spin shortened to {@value #DEFAULT_SPIN_COUNT} iterations (from its 300,000):
 * on 2 AVX2 cores a detector training step took 0.21 s instead of 0.24. System property {@value #SPIN_COUNT} sets
 * another count, or {@code off} to leave the OpenMP runtime's default; {@code OMP_WAIT_POLICY} or
 * {@code GOMP_SPINCOUNT} in the environment take precedence ({@link Status#idleWait()} says which applied).
 */
public final class OneDnn {
    /** System property: the library's candidates, comma-separated, instead of the sonames below. */
    public static final String LIBRARY = "rcnn4j.onednn.library";
    /** System property: libgomp's idle spin in iterations (a count &ge; 0), or {@code off} for its default. */
    public static final String SPIN_COUNT = "rcnn4j.onednn.spincount";
    static final String DEFAULT_SPIN_COUNT = "10000";
    static final String BINDING_RESOURCE = "/org/rcnn4j/native/linux-x86_64/librcnn4j_onednn.so";
    /** Where distributions put libraries; LD_LIBRARY_PATH's folders are searched first. */
    private static final List<String> LIBRARY_FOLDERS = List.of("/usr/lib/x86_64-linux-gnu", "/lib/x86_64-linux-gnu",
            "/usr/lib64", "/usr/local/lib", "/usr/lib");
    private static final Pattern VERSIONED_3 = Pattern.compile("libdnnl\\.so\\.3\\.(\\d+)");

    /**
     * What opening oneDNN gave.
     *
     * @param path the file loaded, or null when it did not load
     * @param version major.minor.patch
     * @param hash the commit oneDNN was built from ("N/A" in Debian's build)
     * @param runtime its CPU threading runtime (OpenMP, TBB, threadpool, sequential)
     * @param threadsFollow whether rcnn4j can set its thread count (OpenMP or sequential)
     * @param convolutions whether its convolution primitives are used: the whole convolution API of its major
     *     version (2 or 3) was found, and they passed rcnn4j's check
     * @param convolutionsWithheld why convolutions it has are not used (they failed rcnn4j's check: which pass, on
     *     which problem), or null
     * @param idleWait how its idle OpenMP threads wait (e.g. "GOMP_SPINCOUNT=10000", or the environment's
     *     setting), or null when it did not load
     * @param error why it did not load, or null
     */
    public record Status(String path, String version, String hash, String runtime, boolean threadsFollow,
            boolean convolutions, String convolutionsWithheld, String idleWait, String error) {
        /** Whether oneDNN loaded and can be called. */
        public boolean loaded() {
            return error == null;
        }

        /** One line for {@code rcnn4j devices}. */
        public String describe() {
            if (!loaded()) {
                return "oneDNN not loaded: " + error;
            }
            return "oneDNN " + version + " (" + path + ", " + runtime
                    + ("OpenMP".equals(runtime) && idleWait != null ? ", idle spin: " + idleWait : "")
                    + (threadsFollow ? "" : ", thread count not settable")
                    + (convolutions ? "" : convolutionsWithheld != null
                            ? ", sgemm only: its convolutions failed rcnn4j's check (" + convolutionsWithheld + ")"
                            : ", sgemm only: no convolution API") + ")";
        }
    }

    private static Status status;

    private OneDnn() {
    }

    /** Opens oneDNN on first use; the same answer afterwards. */
    public static synchronized Status status() {
        if (status == null) {
            status = open();
        }
        return status;
    }

    private static Status open() {
        String binding = loadBinding();
        if (binding != null) {
            return failed(binding);
        }
        String named = System.getProperty(LIBRARY);
        List<String> candidates = named == null || named.isBlank() ? candidates(libraryFolders())
                : Arrays.stream(named.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
        String spin;
        try {
            spin = spinCount(System.getProperty(SPIN_COUNT));
        } catch (IllegalArgumentException e) {
            return failed(e.getMessage());
        }
        String[] info = new String[7];
        String error;
        try {
            error = OneDnnNative.open(candidates.toArray(new String[0]), info, spin);
        } catch (LinkageError e) {
            return failed("rcnn4j's oneDNN binding lacks its natives: " + e);
        }
        if (error != null) {
            return failed("no usable " + String.join(" or ", candidates) + " on this machine (" + error
                    + "); install oneDNN (Debian 12: apt-get install libdnnl2; Debian 13: libdnnl3.6)");
        }
        String withheld = null;
        if (info[5] != null) {
            // before any user of the convolutions; straight to the natives (status() is not answered yet)
            withheld = ConvSelfCheck.run((pass, g, in0, in1, bias, out) ->
                    OneDnnNative.convolution(pass, g.toArray(), in0, in1, bias, out, 2));
            OneDnnNative.releaseWorkspace();
        }
        return new Status(info[0], info[1], info[2], info[3], info[4] != null, info[5] != null && withheld == null,
                withheld, info[6], null);
    }

    /**
     * The spin count to open oneDNN with, from {@value #SPIN_COUNT}'s value: unset or blank gives the default, a
     * count 0..2^31-1 that count, and "off" null (leave the OpenMP runtime's own).
     *
     * @throws IllegalArgumentException naming the property when the value is none of these
     */
    static String spinCount(String setting) {
        if (setting == null || setting.isBlank()) {
            return DEFAULT_SPIN_COUNT;
        }
        String v = setting.trim();
        if (v.equalsIgnoreCase("off")) {
            return null;
        }
        try {
            int count = Integer.parseInt(v);
            if (count >= 0) {
                return Integer.toString(count);
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("-D" + SPIN_COUNT + ": expected a spin count >= 0 or off, got '" + setting
                + "'");
    }

    /**
     * The libraries to try, in order: {@code libdnnl.so.3}, then every {@code libdnnl.so.3.N} file in folders (by
     * path, the highest N first; of one name, the first folder's), then {@code libdnnl.so.2}.
     */
    static List<String> candidates(List<Path> folders) {
        List<String> out = new ArrayList<>();
        out.add("libdnnl.so.3");
        List<Path> versioned = new ArrayList<>();
        for (Path folder : folders) {
            try (Stream<Path> files = Files.list(folder)) {
                files.filter(f -> VERSIONED_3.matcher(f.getFileName().toString()).matches()).forEach(versioned::add);
            } catch (IOException | SecurityException e) {
                // a folder that is missing or unreadable holds no candidate
            }
        }
        versioned.sort(Comparator.comparingInt(OneDnn::minorVersion).reversed());
        Set<String> names = new HashSet<>();
        versioned.stream().filter(f -> names.add(f.getFileName().toString())).forEach(f -> out.add(f.toString()));
        out.add("libdnnl.so.2");
        return out;
    }

    private static int minorVersion(Path file) {
        Matcher m = VERSIONED_3.matcher(file.getFileName().toString());
        return m.matches() ? Integer.parseInt(m.group(1)) : -1;
    }

    private static List<Path> libraryFolders() {
        List<Path> folders = new ArrayList<>();
        String ld = System.getenv("LD_LIBRARY_PATH");
        if (ld != null) {
            Arrays.stream(ld.split(":")).filter(s -> !s.isEmpty()).map(Path::of).forEach(folders::add);
        }
        LIBRARY_FOLDERS.stream().map(Path::of).forEach(folders::add);
        return folders;
    }

    private static Status failed(String why) {
        return new Status(null, null, null, null, false, false, null, null, why);
    }

    /**
     * C = alpha·op(A)·op(B) + beta·C on row-major matrices held in Java arrays (pinned, not copied, during the
     * call): op(A) is m x k, stored m x k (lda &ge; k) or, with transA, k x m (lda &ge; m); likewise B (k x n) and
     * C (m x n, ldc &ge; n), each starting at its offset.
     *
     * @param threads how many threads oneDNN may use for this call (at least 1)
     * @throws IllegalStateException when oneDNN is not loaded, or when it reports an error
     * @throws IllegalArgumentException naming the argument that does not fit
     */
    public static void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha, float[] a, int aOff,
            int lda, float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc, int threads) {
        Status s = status();
        if (!s.loaded()) {
            throw new IllegalStateException(s.describe());
        }
        if (m < 0 || n < 0 || k < 0) {
            throw new IllegalArgumentException("sgemm: m, n, k must be >= 0, got " + m + ", " + n + ", " + k);
        }
        if (threads < 1) {
            throw new IllegalArgumentException("sgemm: threads must be >= 1, got " + threads);
        }
        if (m == 0 || n == 0) {
            return;
        }
        checkOperand("a", a, aOff, lda, transA ? k : m, transA ? m : k);
        checkOperand("b", b, bOff, ldb, transB ? n : k, transB ? k : n);
        checkOperand("c", c, cOff, ldc, m, n);
        int code = OneDnnNative.sgemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff,
                ldc, threads);
        if (code != 0) {
            throw new IllegalStateException("dnnl_sgemm(" + (transA ? "T" : "N") + (transB ? "T" : "N") + ", m=" + m
                    + ", n=" + n + ", k=" + k + ") failed: " + statusName(code));
        }
    }

    /**
     * y = conv2d(x, w) + bias, torch's {@code conv2d} on NCHW arrays, through oneDNN's convolution primitive.
     *
     * @param bias [o], or null for none
     * @param y [n, o, outH, outW], overwritten
     * @param threads how many threads oneDNN may use (at least 1); results are fixed for a given count
     * @throws IllegalStateException when oneDNN or its convolutions are not there, or it reports an error
     * @throws IllegalArgumentException naming an array that does not match the geometry
     */
    public static void convForward(ConvGeometry geometry, float[] x, float[] w, float[] bias, float[] y,
            int threads) {
        checkArray("convForward", "x", x, geometry.inputSize());
        checkArray("convForward", "w", w, geometry.weightSize());
        if (bias != null) {
            checkArray("convForward", "bias", bias, geometry.o());
        }
        checkArray("convForward", "y", y, geometry.outputSize());
        convolve("convForward", 0, geometry, x, w, bias, y, threads);
    }

    /**
     * dx = conv2d's input gradient for output gradient dy.
     *
     * @param dx [n, c, h, w], overwritten
     * @see #convForward
     */
    public static void convBackwardData(ConvGeometry geometry, float[] dy, float[] w, float[] dx, int threads) {
        checkArray("convBackwardData", "dy", dy, geometry.outputSize());
        checkArray("convBackwardData", "w", w, geometry.weightSize());
        checkArray("convBackwardData", "dx", dx, geometry.inputSize());
        convolve("convBackwardData", 1, geometry, dy, w, null, dx, threads);
    }

    /**
     * dw (and db, the bias gradient, when not null) = conv2d's weight gradient for input x and output gradient dy.
     *
     * @param dw [o, c/groups, kh, kw], overwritten
     * @param db [o], overwritten, or null
     * @see #convForward
     */
    public static void convBackwardWeights(ConvGeometry geometry, float[] x, float[] dy, float[] dw, float[] db,
            int threads) {
        checkArray("convBackwardWeights", "x", x, geometry.inputSize());
        checkArray("convBackwardWeights", "dy", dy, geometry.outputSize());
        checkArray("convBackwardWeights", "dw", dw, geometry.weightSize());
        if (db != null) {
            checkArray("convBackwardWeights", "db", db, geometry.o());
        }
        convolve("convBackwardWeights", 2, geometry, x, dy, db, dw, threads);
    }

    private static void convolve(String op, int pass, ConvGeometry geometry, float[] in0, float[] in1, float[] bias,
            float[] out, int threads) {
        Status s = status();
        if (!s.loaded()) {
            throw new IllegalStateException(s.describe());
        }
        if (!s.convolutions()) {
            throw new IllegalStateException(op + ": " + s.describe());
        }
        if (threads < 1) {
            throw new IllegalArgumentException(op + ": threads must be >= 1, got " + threads);
        }
        int code = OneDnnNative.convolution(pass, geometry.toArray(), in0, in1, bias, out, threads);
        if (code != 0) {
            throw new IllegalStateException(op + "(" + geometry + ") failed: " + statusName(code));
        }
    }

    private static void checkArray(String op, String name, float[] data, long size) {
        if (data == null) {
            throw new IllegalArgumentException(op + ": " + name + " is null");
        }
        if (data.length != size) {
            throw new IllegalArgumentException(op + ": " + name + " must hold " + size + " floats for its geometry, "
                    + "got " + data.length);
        }
    }

    /** A [rows x cols] row-major block at off with leading dimension ld must lie inside the array. */
    private static void checkOperand(String name, float[] data, int off, int ld, int rows, int cols) {
        if (data == null) {
            throw new IllegalArgumentException("sgemm: " + name + " is null");
        }
        if (ld < Math.max(1, cols)) {
            throw new IllegalArgumentException("sgemm: ld" + name + " must be >= " + Math.max(1, cols) + ", got "
                    + ld);
        }
        long last = rows == 0 || cols == 0 ? off - 1L : off + (long) (rows - 1) * ld + cols - 1;
        if (off < 0 || last >= data.length) {
            throw new IllegalArgumentException("sgemm: " + name + " (" + rows + " x " + cols + ", ld " + ld
                    + ", offset " + off + ") does not fit its array of " + data.length + " floats");
        }
    }

    /**
     * Bytes of convolution workspace that all threads hold together. Each thread that runs convolutions keeps the
     * buffers of the primitive's own layouts and its scratchpad from call to call, grown to the largest problem it
     * ran: allocating them afresh cost more than the convolution on large maps (page faults of fresh memory). A
     * thread's workspace is freed when the thread ends, or by {@link #releaseThreadWorkspace()}. 0 when oneDNN is not
     * loaded.
     */
    public static long workspaceBytes() {
        return status().loaded() ? OneDnnNative.workspaceBytes() : 0;
    }

    /**
     * Frees the calling thread's convolution workspace now, rather than when the thread ends; the thread's next
     * convolution allocates a new one. Does nothing when oneDNN is not loaded or the thread has none.
     */
    public static void releaseThreadWorkspace() {
        if (status().loaded()) {
            OneDnnNative.releaseWorkspace();
        }
    }

    /** The OpenMP thread count oneDNN would use on the calling thread now (-1 without OpenMP); for tests. */
    public static int threadsOfCallingThread() {
        if (!status().loaded()) {
            throw new IllegalStateException(status().describe());
        }
        return OneDnnNative.maxThreads();
    }

    private static String statusName(int code) {
        return switch (code) {
            case 1 -> "dnnl_out_of_memory";
            case 2 -> "dnnl_invalid_arguments";
            case 3 -> "dnnl_unimplemented";
            case 5 -> "dnnl_runtime_error";
            case -1 -> "the JVM could not pin the arrays";
            case -2 -> "this oneDNN has no convolution API";
            default -> "status " + code;
        };
    }

    /** Loads librcnn4j_onednn.so from the bindings jar; null when loaded, else why not. */
    private static String loadBinding() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        if (!os.startsWith("linux") || !(arch.equals("amd64") || arch.equals("x86_64"))) {
            return "rcnn4j's oneDNN binding is built for linux-x86_64 only (this JVM: " + os + "/" + arch + ")";
        }
        try (InputStream in = OneDnn.class.getResourceAsStream(BINDING_RESOURCE)) {
            if (in == null) {
                return "rcnn4j's oneDNN binding is not in this build (" + BINDING_RESOURCE + " is missing: built "
                        + "without jni.h, or with -Drcnn4j.skipNative=true)";
            }
            Path dir = Files.createTempDirectory("rcnn4j-onednn-",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            Path file = dir.resolve("librcnn4j_onednn.so");
            Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
            dir.toFile().deleteOnExit();
            file.toFile().deleteOnExit();
            System.load(file.toString());
            return null;
        } catch (IOException | RuntimeException | LinkageError e) {
            return "rcnn4j's oneDNN binding failed to load: " + e;
        }
    }
}
