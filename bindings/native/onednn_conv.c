/*
 * oneDNN's convolution primitives for the CPU backend (Java side: org.rcnn4j.onednn.OneDnn.convolution): forward,
 * backward data and backward weights of torch's conv2d on plain NCHW float32 arrays, the way torch's own CPU
 * convolutions call oneDNN. The primitive picks its memory layouts (format "any": channel-blocked for the jit
 * kernels), and the Java arrays are reordered into and out of them around it. oneDNN 2.x and 3.x differ only in
 * how descriptors are made (onednn_api.h); describe and primitive_desc speak both.
 *
 * No primitive is cached here: describing a convolution and its reorders costs a few microseconds, and oneDNN's
 * own primitive cache keeps the generated kernels of the shapes seen. Every call owns its stream; its intermediate
 * buffers and its scratchpad (scratchpad mode "user") lie in its thread's workspace, so calls from several Java
 * threads never share state.
 */
#include <jni.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>

#include "onednn_api.h"

#define EXPORT __attribute__((visibility("default")))
#define FN(name) Java_org_rcnn4j_onednn_OneDnnNative_##name
#define dnnl rcnn4j_dnnl

/* Status for "the convolution API is not in this oneDNN" and "the JVM could not pin an array". */
#define NO_CONVOLUTIONS (-2)
#define NOT_PINNED (-1)

enum { FORWARD = 0, BACKWARD_DATA = 1, BACKWARD_WEIGHTS = 2 };

/* geometry's layout, as OneDnn.convolution passes it */
enum { G_N, G_C, G_H, G_W, G_O, G_KH, G_KW, G_OH, G_OW, G_SH, G_SW, G_PH, G_PW, G_DH, G_DW, G_GROUPS, G_COUNT };

static pthread_once_t engine_once = PTHREAD_ONCE_INIT;
static dnnl_handle_t engine;
static dnnl_status_t engine_status;

static void create_engine(void) {
    engine_status = dnnl.engine_create(&engine, DNNL_CPU, 0);
}

/*
 * The calling thread's workspace: the buffers in the primitive's layouts and its scratchpad, kept from call to call.
 * Buffers of a large map's size come fresh from the OS when allocated per call, and touching their pages for the
 * first time cost more than the convolution (1x1 64->256 at 200x304, in C on 2 Zen 5 cores: 110 ms with fresh
 * buffers, 8.7 ms with reused ones). It only grows, to the largest problem its thread ran; the thread's exit or
 * releaseWorkspace frees it.
 */
typedef struct {
    char* base;
    size_t capacity;
} workspace_t;

static pthread_once_t workspace_once = PTHREAD_ONCE_INIT;
static pthread_key_t workspace_key;
static int workspace_key_status;
static size_t workspace_total; /* over all threads, atomically */

static void workspace_drop(workspace_t* w) {
    free(w->base);
    __atomic_sub_fetch(&workspace_total, w->capacity, __ATOMIC_RELAXED);
    w->base = NULL;
    w->capacity = 0;
}

static void workspace_destroy(void* w) {
    workspace_drop(w);
    free(w);
}

static void create_workspace_key(void) {
    workspace_key_status = pthread_key_create(&workspace_key, workspace_destroy);
}

/* At least bytes of the calling thread's workspace, page-aligned; NULL when out of memory. */
static char* workspace_reserve(size_t bytes) {
    pthread_once(&workspace_once, create_workspace_key);
    if (workspace_key_status != 0) {
        return NULL;
    }
    workspace_t* w = pthread_getspecific(workspace_key);
    if (w == NULL) {
        w = calloc(1, sizeof *w);
        if (w == NULL || pthread_setspecific(workspace_key, w) != 0) {
            free(w);
            return NULL;
        }
    }
    if (w->capacity < bytes || w->base == NULL) {
        workspace_drop(w);
        size_t rounded = (bytes + ((size_t) 1 << 20) - 1) & ~(((size_t) 1 << 20) - 1); /* whole MiB: fewer regrowths */
        void* base;
        if (posix_memalign(&base, 4096, rounded) != 0) {
            return NULL;
        }
        w->base = base;
        w->capacity = rounded;
        __atomic_add_fetch(&workspace_total, rounded, __ATOMIC_RELAXED);
    }
    return w->base;
}

/* A piece of bytes rounded to whole cache lines, so that the next piece starts aligned. */
static size_t piece(size_t bytes) {
    return (bytes + 63) & ~(size_t) 63;
}

/* One tensor argument: the Java array as oneDNN memory, and where the primitive wants it laid out otherwise. */
typedef struct {
    dnnl_handle_t user;  /* on the pinned Java array, plain layout */
    dnnl_handle_t inner; /* in the primitive's layout: user itself, or a piece of the workspace */
    rcnn4j_md_t user_md;
    rcnn4j_md_t inner_md;
} operand_t;

/* Bytes of workspace the operand needs: none when the primitive takes the plain layout. */
static size_t operand_bytes(rcnn4j_md_t user_md, rcnn4j_md_t inner_md) {
    return dnnl.memory_desc_equal(user_md, inner_md) ? 0 : piece(dnnl.memory_desc_get_size(inner_md));
}

static dnnl_status_t operand_open(operand_t* op, rcnn4j_md_t user_md, void* data, rcnn4j_md_t inner_md,
                                  char* buffer) {
    op->user_md = user_md;
    op->inner_md = inner_md;
    dnnl_status_t s = dnnl.memory_create(&op->user, user_md, engine, data);
    if (s != DNNL_SUCCESS) {
        return s;
    }
    if (dnnl.memory_desc_equal(user_md, inner_md)) {
        op->inner = op->user;
        return DNNL_SUCCESS;
    }
    return dnnl.memory_create(&op->inner, inner_md, engine, buffer);
}

static void operand_close(operand_t* op) {
    if (op->inner != NULL && op->inner != op->user) {
        dnnl.memory_destroy(op->inner);
    }
    if (op->user != NULL) {
        dnnl.memory_destroy(op->user);
    }
    memset(op, 0, sizeof *op);
}

/* Copies from one layout to the other (a no-op when the primitive uses the plain one). */
static dnnl_status_t reorder(dnnl_handle_t stream, dnnl_handle_t from, rcnn4j_md_t from_md, dnnl_handle_t to,
                             rcnn4j_md_t to_md) {
    if (from == to) {
        return DNNL_SUCCESS;
    }
    dnnl_handle_t pd = NULL;
    dnnl_handle_t prim = NULL;
    dnnl_status_t s = dnnl.reorder_primitive_desc_create(&pd, from_md, engine, to_md, engine, NULL);
    if (s == DNNL_SUCCESS) {
        s = dnnl.primitive_create(&prim, pd);
    }
    if (s == DNNL_SUCCESS) {
        dnnl_exec_arg_t args[2] = {{DNNL_ARG_SRC, from}, {DNNL_ARG_DST, to}};
        s = dnnl.primitive_execute(prim, stream, 2, args);
    }
    if (prim != NULL) dnnl.primitive_destroy(prim);
    if (pd != NULL) dnnl.primitive_desc_destroy(pd);
    return s;
}

/* The plain descriptors of one problem, and the same shapes with layout "any" for the primitive to choose. */
enum { MD_SRC, MD_WEIGHTS, MD_BIAS, MD_DST, MD_ANY_SRC, MD_ANY_WEIGHTS, MD_ANY_DST, MD_COUNT };

typedef struct {
    int api;                              /* 2 or 3: oneDNN's major version */
    rcnn4j_md_t md[MD_COUNT];             /* 2.x: addresses in storage; 3.x: handles, destroyed with the problem */
    rcnn4j_memory_desc_t storage[MD_COUNT];
    dnnl_dims_t strides, dilates, pad_l, pad_r;
} problem_t;

/*
 * A band of a forward problem: output rows [r0, r1), computed from input rows [row_lo, row_hi) with pad_top and
 * pad_bottom rows of zeros around them (torch's padding where the band reaches the map's edge, none inside).
 */
typedef struct {
    int r0, r1, row_lo, row_hi, pad_top, pad_bottom;
} band_t;

static dnnl_status_t init_md(problem_t* p, int which, int ndims, const dnnl_dims_t dims, int tag) {
    if (p->api == 3) {
        dnnl_handle_t handle = NULL;
        dnnl_status_t s = dnnl.memory_desc_create_with_tag(&handle, ndims, dims, DNNL_F32, tag);
        p->md[which] = handle;
        return s;
    }
    p->md[which] = &p->storage[which];
    return dnnl.memory_desc_init_by_tag(&p->storage[which], ndims, dims, DNNL_F32, tag);
}

/* A plain NCHW view of part of a larger array: dims, with the strides of the whole. */
static dnnl_status_t init_md_view(problem_t* p, int which, const dnnl_dims_t dims, const dnnl_dims_t strides) {
    if (p->api == 3) {
        dnnl_handle_t handle = NULL;
        dnnl_status_t s = dnnl.memory_desc_create_with_strides(&handle, 4, dims, DNNL_F32, strides);
        p->md[which] = handle;
        return s;
    }
    p->md[which] = &p->storage[which];
    return dnnl.memory_desc_init_by_strides(&p->storage[which], 4, dims, DNNL_F32, strides);
}

static void problem_free(problem_t* p) {
    if (p->api == 3) {
        for (int i = 0; i < MD_COUNT; i++) {
            if (p->md[i] != NULL) dnnl.memory_desc_destroy((dnnl_handle_t) p->md[i]);
        }
    }
    free(p);
}

/* The problem, or with band (forward only) the band's rows as views into the whole input and output. */
static dnnl_status_t describe(problem_t* p, const jint* g, const band_t* band) {
    int rows_in = band != NULL ? band->row_hi - band->row_lo : g[G_H];
    int rows_out = band != NULL ? band->r1 - band->r0 : g[G_OH];
    dnnl_dims_t src = {g[G_N], g[G_C], rows_in, g[G_W]};
    dnnl_dims_t dst = {g[G_N], g[G_O], rows_out, g[G_OW]};
    dnnl_dims_t bias = {g[G_O]};
    int groups = g[G_GROUPS];
    dnnl_dims_t weights = {g[G_O], g[G_C], g[G_KH], g[G_KW]};
    int weight_dims = 4;
    int weight_tag = DNNL_TAG_ABCD;
    if (groups > 1) {
        /* goihw: the same bytes as torch's [O, C/groups, kh, kw] */
        dnnl_dims_t grouped = {groups, g[G_O] / groups, g[G_C] / groups, g[G_KH], g[G_KW]};
        memcpy(weights, grouped, sizeof grouped);
        weight_dims = 5;
        weight_tag = p->api == 3 ? DNNL3_TAG_ABCDE : DNNL2_TAG_ABCDE;
    }
    dnnl_status_t s;
    if (band != NULL) {
        dnnl_dims_t src_strides = {(dnnl_dim_t) g[G_C] * g[G_H] * g[G_W], (dnnl_dim_t) g[G_H] * g[G_W], g[G_W], 1};
        dnnl_dims_t dst_strides = {(dnnl_dim_t) g[G_O] * g[G_OH] * g[G_OW], (dnnl_dim_t) g[G_OH] * g[G_OW],
                                   g[G_OW], 1};
        s = init_md_view(p, MD_SRC, src, src_strides);
        if (s == DNNL_SUCCESS) s = init_md_view(p, MD_DST, dst, dst_strides);
    } else {
        s = init_md(p, MD_SRC, 4, src, DNNL_TAG_ABCD);
        if (s == DNNL_SUCCESS) s = init_md(p, MD_DST, 4, dst, DNNL_TAG_ABCD);
    }
    if (s != DNNL_SUCCESS
        || (s = init_md(p, MD_BIAS, 1, bias, DNNL_TAG_A))
        || (s = init_md(p, MD_WEIGHTS, weight_dims, weights, weight_tag))
        || (s = init_md(p, MD_ANY_SRC, 4, src, DNNL_TAG_ANY))
        || (s = init_md(p, MD_ANY_DST, 4, dst, DNNL_TAG_ANY))
        || (s = init_md(p, MD_ANY_WEIGHTS, weight_dims, weights, DNNL_TAG_ANY))) {
        return s;
    }
    /* oneDNN counts dilation from 0; torch's padding is the same on both sides, and oneDNN's output-size rule
       (src + pad_l + pad_r - extent) / stride + 1 is then torch's */
    dnnl_dims_t strides = {g[G_SH], g[G_SW]};
    dnnl_dims_t dilates = {g[G_DH] - 1, g[G_DW] - 1};
    dnnl_dims_t pad_l = {band != NULL ? band->pad_top : g[G_PH], g[G_PW]};
    dnnl_dims_t pad_r = {band != NULL ? band->pad_bottom : g[G_PH], g[G_PW]};
    memcpy(p->strides, strides, sizeof strides);
    memcpy(p->dilates, dilates, sizeof dilates);
    memcpy(p->pad_l, pad_l, sizeof pad_l);
    memcpy(p->pad_r, pad_r, sizeof pad_r);
    return DNNL_SUCCESS;
}

/* 2.x: an operation descriptor, then its primitive descriptor (hint: the forward one, for the backward passes). */
static dnnl_status_t primitive_desc2(dnnl_handle_t* pd, int pass, const problem_t* p, rcnn4j_md_t bias,
                                     dnnl_handle_t attr) {
    rcnn4j_conv_desc_t* desc = malloc(sizeof *desc);
    if (desc == NULL) {
        return DNNL_OUT_OF_MEMORY;
    }
    const rcnn4j_md_t* md = p->md;
    dnnl_handle_t hint = NULL;
    dnnl_status_t s = dnnl.conv_forward_desc_init(desc, DNNL_FORWARD_TRAINING, DNNL_CONVOLUTION_DIRECT,
                                                  md[MD_ANY_SRC], md[MD_ANY_WEIGHTS], pass == FORWARD ? bias : NULL,
                                                  md[MD_ANY_DST], p->strides, p->dilates, p->pad_l, p->pad_r);
    if (s == DNNL_SUCCESS && pass == FORWARD) {
        s = dnnl.primitive_desc_create(pd, desc, attr, engine, NULL);
    } else if (s == DNNL_SUCCESS) {
        s = dnnl.primitive_desc_create(&hint, desc, NULL, engine, NULL);
        if (s == DNNL_SUCCESS) {
            s = pass == BACKWARD_DATA
                ? dnnl.conv_backward_data_desc_init(desc, DNNL_CONVOLUTION_DIRECT, md[MD_ANY_SRC],
                                                    md[MD_ANY_WEIGHTS], md[MD_ANY_DST], p->strides, p->dilates,
                                                    p->pad_l, p->pad_r)
                : dnnl.conv_backward_weights_desc_init(desc, DNNL_CONVOLUTION_DIRECT, md[MD_ANY_SRC],
                                                       md[MD_ANY_WEIGHTS], bias, md[MD_ANY_DST], p->strides,
                                                       p->dilates, p->pad_l, p->pad_r);
        }
        if (s == DNNL_SUCCESS) {
            s = dnnl.primitive_desc_create(pd, desc, attr, engine, hint);
        }
    }
    if (hint != NULL) dnnl.primitive_desc_destroy(hint);
    free(desc);
    return s;
}

/* 3.x: the pass's own primitive-descriptor function (hint: the forward one, for the backward passes). */
static dnnl_status_t primitive_desc3(dnnl_handle_t* pd, int pass, const problem_t* p, rcnn4j_md_t bias,
                                     dnnl_handle_t attr) {
    const rcnn4j_md_t* md = p->md;
    dnnl_handle_t hint = NULL;
    dnnl_status_t s = dnnl.conv_forward_pd_create(pass == FORWARD ? pd : &hint, engine, DNNL_FORWARD_TRAINING,
                                                  DNNL_CONVOLUTION_DIRECT, md[MD_ANY_SRC], md[MD_ANY_WEIGHTS],
                                                  pass == FORWARD ? bias : NULL, md[MD_ANY_DST], p->strides,
                                                  p->dilates, p->pad_l, p->pad_r,
                                                  pass == FORWARD ? attr : NULL);
    if (s == DNNL_SUCCESS && pass == BACKWARD_DATA) {
        s = dnnl.conv_backward_data_pd_create(pd, engine, DNNL_CONVOLUTION_DIRECT, md[MD_ANY_SRC],
                                              md[MD_ANY_WEIGHTS], md[MD_ANY_DST], p->strides, p->dilates,
                                              p->pad_l, p->pad_r, hint, attr);
    } else if (s == DNNL_SUCCESS && pass == BACKWARD_WEIGHTS) {
        s = dnnl.conv_backward_weights_pd_create(pd, engine, DNNL_CONVOLUTION_DIRECT, md[MD_ANY_SRC],
                                                 md[MD_ANY_WEIGHTS], bias, md[MD_ANY_DST], p->strides, p->dilates,
                                                 p->pad_l, p->pad_r, hint, attr);
    }
    if (hint != NULL) dnnl.primitive_desc_destroy(hint);
    return s;
}

/* The primitive descriptor for pass. */
static dnnl_status_t primitive_desc(dnnl_handle_t* pd, int pass, const problem_t* p, int with_bias,
                                    dnnl_handle_t attr) {
    rcnn4j_md_t bias = with_bias ? p->md[MD_BIAS] : NULL;
    return p->api == 3 ? primitive_desc3(pd, pass, p, bias, attr) : primitive_desc2(pd, pass, p, bias, attr);
}

/* Queries of each pass's two inputs and its output, and the argument names they go by. */
static const int QUERY[3][3] = {
    {DNNL_QUERY_SRC_MD, DNNL_QUERY_WEIGHTS_MD, DNNL_QUERY_DST_MD},
    {DNNL_QUERY_DIFF_DST_MD, DNNL_QUERY_WEIGHTS_MD, DNNL_QUERY_DIFF_SRC_MD},
    {DNNL_QUERY_SRC_MD, DNNL_QUERY_DIFF_DST_MD, DNNL_QUERY_DIFF_WEIGHTS_MD},
};
static const int ARG[3][4] = {
    {DNNL_ARG_SRC, DNNL_ARG_WEIGHTS, DNNL_ARG_DST, DNNL_ARG_BIAS},
    {DNNL_ARG_DIFF_DST, DNNL_ARG_WEIGHTS, DNNL_ARG_DIFF_SRC, 0},
    {DNNL_ARG_SRC, DNNL_ARG_DIFF_DST, DNNL_ARG_DIFF_WEIGHTS, DNNL_ARG_DIFF_BIAS},
};

static dnnl_status_t run(int pass, const jint* g, const band_t* band, float* in0, float* in1, float* bias,
                         float* out) {
    pthread_once(&engine_once, create_engine);
    if (engine_status != DNNL_SUCCESS) {
        return engine_status;
    }
    problem_t* p = calloc(1, sizeof *p);
    if (p == NULL) {
        return DNNL_OUT_OF_MEMORY;
    }
    p->api = rcnn4j_dnnl_convolution_api();
    rcnn4j_md_t* md = p->md;
    /* filled by describe; the table only takes the slots' addresses */
    rcnn4j_md_t* plain[3][3] = {
        {&md[MD_SRC], &md[MD_WEIGHTS], &md[MD_DST]},
        {&md[MD_DST], &md[MD_WEIGHTS], &md[MD_SRC]},
        {&md[MD_SRC], &md[MD_DST], &md[MD_WEIGHTS]},
    };
    dnnl_handle_t attr = NULL, pd = NULL, prim = NULL, stream = NULL, scratch = NULL, bias_mem = NULL;
    operand_t ops[3];
    memset(ops, 0, sizeof ops);
    float* data[3] = {in0, in1, out};
    if (band != NULL) {
        data[0] = in0 + (size_t) band->row_lo * g[G_W];
        data[2] = out + (size_t) band->r0 * g[G_OW];
    }
    dnnl_status_t s = describe(p, g, band);
    if (s == DNNL_SUCCESS) s = dnnl.attr_create(&attr);
    if (s == DNNL_SUCCESS) s = dnnl.attr_set_scratchpad_mode(attr, DNNL_SCRATCHPAD_MODE_USER);
    if (s == DNNL_SUCCESS) s = primitive_desc(&pd, pass, p, bias != NULL, attr);
    if (s == DNNL_SUCCESS) s = dnnl.primitive_create(&prim, pd);
    if (s == DNNL_SUCCESS) s = dnnl.stream_create(&stream, engine, DNNL_STREAM_DEFAULT_FLAGS);
    /* the workspace's pieces: one per operand the primitive wants in its own layout, then the scratchpad */
    rcnn4j_md_t inner[3] = {NULL, NULL, NULL};
    rcnn4j_md_t scratch_md = NULL;
    size_t offset[4] = {0, 0, 0, 0};
    char* workspace = NULL;
    if (s == DNNL_SUCCESS) {
        for (int i = 0; i < 3; i++) {
            inner[i] = dnnl.primitive_desc_query_md(pd, QUERY[pass][i], 0);
            offset[i + 1] = offset[i] + operand_bytes(*plain[pass][i], inner[i]);
        }
        scratch_md = dnnl.primitive_desc_query_md(pd, DNNL_QUERY_SCRATCHPAD_MD, 0);
        workspace = workspace_reserve(offset[3] + piece(dnnl.memory_desc_get_size(scratch_md)));
        if (workspace == NULL) s = DNNL_OUT_OF_MEMORY;
    }
    for (int i = 0; i < 3 && s == DNNL_SUCCESS; i++) {
        s = operand_open(&ops[i], *plain[pass][i], data[i], inner[i], workspace + offset[i]);
    }
    if (s == DNNL_SUCCESS && bias != NULL) s = dnnl.memory_create(&bias_mem, md[MD_BIAS], engine, bias);
    if (s == DNNL_SUCCESS) s = dnnl.memory_create(&scratch, scratch_md, engine, workspace + offset[3]);
    for (int i = 0; i < 2 && s == DNNL_SUCCESS; i++) {
        s = reorder(stream, ops[i].user, ops[i].user_md, ops[i].inner, ops[i].inner_md);
    }
    if (s == DNNL_SUCCESS && pass == BACKWARD_DATA) {
        /* oneDNN 3.7.2's backward data (jit:avx512_core) added to what its output held: on rcnn4j's tests its input
           gradients were right only on a zeroed output. 2.6.3's overwrites it; zeroing costs one pass over dx. */
        memset(ops[2].inner == ops[2].user ? (void*) data[2] : (void*) (workspace + offset[2]), 0,
               dnnl.memory_desc_get_size(inner[2]));
    }
    if (s == DNNL_SUCCESS) {
        dnnl_exec_arg_t args[5] = {
            {ARG[pass][0], ops[0].inner}, {ARG[pass][1], ops[1].inner}, {ARG[pass][2], ops[2].inner},
            {DNNL_ARG_SCRATCHPAD, scratch}, {ARG[pass][3], bias_mem},
        };
        s = dnnl.primitive_execute(prim, stream, bias_mem != NULL ? 5 : 4, args);
    }
    if (s == DNNL_SUCCESS) s = reorder(stream, ops[2].inner, ops[2].inner_md, ops[2].user, ops[2].user_md);
    if (s == DNNL_SUCCESS) s = dnnl.stream_wait(stream);

    for (int i = 0; i < 3; i++) operand_close(&ops[i]);
    if (bias_mem != NULL) dnnl.memory_destroy(bias_mem);
    if (scratch != NULL) dnnl.memory_destroy(scratch);
    if (stream != NULL) dnnl.stream_destroy(stream);
    if (prim != NULL) dnnl.primitive_destroy(prim);
    if (pd != NULL) dnnl.primitive_desc_destroy(pd);
    if (attr != NULL) dnnl.attr_destroy(attr);
    problem_free(p);
    return s;
}

/*
 * Forward problems whose blocked input and output would pass this many bytes run in bands of output rows, each
 * reading its input rows through a view, so that the workspace stays near this size: the FPN's 3x3 256->256 layer
 * at 200x304 alone needs 124 MB whole. Each band's outputs are computed as in the whole problem. Settable for tests.
 */
static size_t band_bytes = (size_t) 64 << 20;

static size_t blocked_bytes(size_t n, size_t channels, size_t pixels) {
    return n * ((channels + 15) / 16 * 16) * pixels * sizeof(float);
}

/* Band b of rows output rows from r0 on; whether it reads any input row (one wholly in the padding does not). */
static int band_at(const jint* g, int r0, int rows, band_t* b) {
    int extent = (g[G_KH] - 1) * g[G_DH] + 1;
    b->r0 = r0;
    b->r1 = r0 + rows < g[G_OH] ? r0 + rows : g[G_OH];
    int lo = r0 * g[G_SH] - g[G_PH];
    int hi = (b->r1 - 1) * g[G_SH] - g[G_PH] + extent;
    b->row_lo = lo > 0 ? lo : 0;
    b->row_hi = hi < g[G_H] ? hi : g[G_H];
    b->pad_top = b->row_lo - lo;
    b->pad_bottom = hi - b->row_hi;
    return b->row_lo < b->row_hi;
}

/* The forward pass in bands of output rows when it is large, else whole. */
static dnnl_status_t forward(const jint* g, float* x, float* w, float* bias, float* y) {
    size_t whole = blocked_bytes(g[G_N], g[G_C], (size_t) g[G_H] * g[G_W])
                   + blocked_bytes(g[G_N], g[G_O], (size_t) g[G_OH] * g[G_OW]);
    if (whole <= band_bytes || g[G_OH] < 2 || !rcnn4j_dnnl_has_views()) {
        return run(FORWARD, g, NULL, x, w, bias, y);
    }
    size_t bands = (whole + band_bytes - 1) / band_bytes;
    int rows = (int) ((g[G_OH] + bands - 1) / bands);
    band_t b;
    dnnl_status_t s = DNNL_SUCCESS;
    for (int r0 = 0; r0 < g[G_OH] && s == DNNL_SUCCESS; r0 += rows) {
        if (!band_at(g, r0, rows, &b)) {
            /* a band wholly in the padding (padding wider than the kernel): the whole pass, which writes every
               output row again */
            return run(FORWARD, g, NULL, x, w, bias, y);
        }
        s = run(FORWARD, g, &b, x, w, bias, y);
    }
    return s;
}

/*
 * One convolution pass on the Java arrays, pinned (not copied) while oneDNN runs, on threads OpenMP threads:
 *   pass 0, forward:          in0 = x [n,c,h,w], in1 = weights, bias = bias or null, out = y [n,o,oh,ow]
 *   pass 1, backward data:    in0 = dy, in1 = weights, out = dx
 *   pass 2, backward weights: in0 = x, in1 = dy, bias = the bias gradient or null, out = dw
 * geometry: [n, c, h, w, o, kh, kw, oh, ow, strideH, strideW, padH, padW, dilationH, dilationW, groups]. Outputs are
 * overwritten. The Java side has checked every extent. Returns dnnl_status_t, or NO_CONVOLUTIONS / NOT_PINNED.
 */
EXPORT jint JNICALL FN(convolution)(JNIEnv* env, jclass c, jint pass, jintArray geometry, jfloatArray in0,
                                    jfloatArray in1, jfloatArray bias, jfloatArray out, jint threads) {
    if (!rcnn4j_dnnl_convolution_api()) {
        return NO_CONVOLUTIONS;
    }
    jint g[G_COUNT];
    (*env)->GetIntArrayRegion(env, geometry, 0, G_COUNT, g);
    if ((*env)->ExceptionCheck(env)) {
        return NOT_PINNED;
    }
    rcnn4j_dnnl_use_threads(threads);
    jfloatArray arrays[4] = {in0, in1, bias, out};
    float* pinned[4] = {NULL, NULL, NULL, NULL};
    int ok = 1;
    for (int i = 0; i < 4 && ok; i++) {
        if (arrays[i] != NULL) {
            pinned[i] = (*env)->GetPrimitiveArrayCritical(env, arrays[i], NULL);
            ok = pinned[i] != NULL;
        }
    }
    jint s = !ok ? NOT_PINNED
             : pass == FORWARD ? forward(g, pinned[0], pinned[1], pinned[2], pinned[3])
                               : run(pass, g, NULL, pinned[0], pinned[1], pinned[2], pinned[3]);
    /* written: the output, and the bias in the backward-weights pass (its gradient) */
    for (int i = 3; i >= 0; i--) {
        if (pinned[i] != NULL) {
            int written = i == 3 || (i == 2 && pass == BACKWARD_WEIGHTS);
            int mode = written && s == DNNL_SUCCESS ? 0 : JNI_ABORT;
            (*env)->ReleasePrimitiveArrayCritical(env, arrays[i], pinned[i], mode);
        }
    }
    return s;
}

/* Bytes of workspace held by all threads together. */
EXPORT jlong JNICALL FN(workspaceBytes)(JNIEnv* env, jclass c) {
    return (jlong) __atomic_load_n(&workspace_total, __ATOMIC_RELAXED);
}

/* Frees the calling thread's workspace (the next convolution on it allocates a new one). */
EXPORT void JNICALL FN(releaseWorkspace)(JNIEnv* env, jclass c) {
    pthread_once(&workspace_once, create_workspace_key);
    if (workspace_key_status == 0) {
        workspace_t* w = pthread_getspecific(workspace_key);
        if (w != NULL) workspace_drop(w);
    }
}

/* Sets the size above which forward passes run in bands (tests); returns the previous one. */
EXPORT jlong JNICALL FN(bandBytes)(JNIEnv* env, jclass c, jlong bytes) {
    size_t previous = band_bytes;
    band_bytes = (size_t) bytes;
    return (jlong) previous;
}
