/*
 * The part of oneDNN's C API that rcnn4j's binding calls (onednn_lib.c: opening and sgemm; onednn_conv.c:
 * convolutions), written out from oneDNN's reference (dnnl.h, dnnl_types.h of 2.x) so that the binding builds
 * without oneDNN's headers and links nothing of it: every function is a pointer in one table, filled by dlsym when
 * the library is opened.
 *
 * Memory descriptors differ between the two major versions, and rcnn4j calls both. In 2.x they are structures the
 * caller owns: rcnn4j never looks inside them and keeps them in opaque buffers larger than any 2.x release's (696
 * bytes in 2.6), with convolution descriptors (5976 bytes) initialised by *_desc_init and turned into primitive
 * descriptors by dnnl_primitive_desc_create. In 3.x they are handles that dnnl_memory_desc_create_with_tag makes and
 * dnnl_memory_desc_destroy frees, and each primitive has a function of its own that makes its primitive
 * descriptor. Every other function takes a descriptor by pointer in 2.x and by handle in 3.x, the same machine word,
 * so one pointer type (rcnn4j_md_t) serves both.
 */
#ifndef RCNN4J_ONEDNN_API_H
#define RCNN4J_ONEDNN_API_H

#include <stddef.h>
#include <stdint.h>

typedef int dnnl_status_t;
typedef int64_t dnnl_dim_t;
typedef dnnl_dim_t dnnl_dims_t[12]; /* DNNL_MAX_NDIMS */
typedef struct dnnl_opaque* dnnl_handle_t; /* engine, stream, primitive, primitive desc, attr, memory */

/* dnnl_memory_desc_t and dnnl_convolution_desc_t of 2.x, kept opaque and over-sized */
typedef struct {
    _Alignas(64) unsigned char bytes[4096];
} rcnn4j_memory_desc_t;
/* a memory descriptor as the functions common to 2.x and 3.x take it: a 2.x structure's address or a 3.x handle */
typedef const void* rcnn4j_md_t;
typedef struct {
    _Alignas(64) unsigned char bytes[16384];
} rcnn4j_conv_desc_t;

typedef struct {
    int arg;
    dnnl_handle_t memory;
} dnnl_exec_arg_t;

/* dnnl_version_t (dnnl_types.h) */
typedef struct {
    int major;
    int minor;
    int patch;
    const char* hash;
    unsigned cpu_runtime; /* DNNL_RUNTIME_SEQ 1, OMP 2, TBB 4, THREADPOOL 8 */
    unsigned gpu_runtime;
} dnnl_version_t;

/* enumerations and argument indices, from dnnl_types.h */
enum {
    DNNL_SUCCESS = 0,
    DNNL_OUT_OF_MEMORY = 1,
    DNNL_F32 = 3,
    DNNL_CPU = 1,
    DNNL_STREAM_DEFAULT_FLAGS = 1,
    DNNL_TAG_ANY = 1,
    DNNL_TAG_A = 2,     /* bias [O] */
    DNNL_TAG_ABCD = 5,  /* nchw, oihw */
    DNNL2_TAG_ABCDE = 7, /* goihw; renumbered in 3.x */
    DNNL3_TAG_ABCDE = 6,
    DNNL_FORWARD_TRAINING = 64,
    DNNL_FORWARD_INFERENCE = 96,
    DNNL_BACKWARD_DATA = 160,
    DNNL_BACKWARD_WEIGHTS = 192,
    DNNL_CONVOLUTION_DIRECT = 1,
    DNNL_SCRATCHPAD_MODE_USER = 1,
    DNNL_QUERY_SRC_MD = 129,
    DNNL_QUERY_DIFF_SRC_MD = 130,
    DNNL_QUERY_WEIGHTS_MD = 131,
    DNNL_QUERY_DIFF_WEIGHTS_MD = 132,
    DNNL_QUERY_DST_MD = 133,
    DNNL_QUERY_DIFF_DST_MD = 134,
    DNNL_QUERY_SCRATCHPAD_MD = 136,
    DNNL_ARG_SRC = 1,
    DNNL_ARG_DST = 17,
    DNNL_ARG_WEIGHTS = 33,
    DNNL_ARG_BIAS = 41,
    DNNL_ARG_SCRATCHPAD = 80,
    DNNL_ARG_DIFF_SRC = 129,
    DNNL_ARG_DIFF_DST = 145,
    DNNL_ARG_DIFF_WEIGHTS = 161,
    DNNL_ARG_DIFF_BIAS = 169,
};

typedef struct {
    void* lib;
    dnnl_status_t (*sgemm)(char, char, dnnl_dim_t, dnnl_dim_t, dnnl_dim_t, float, const float*, dnnl_dim_t,
                           const float*, dnnl_dim_t, float, float*, dnnl_dim_t);
    const dnnl_version_t* (*version)(void);
    /* libgomp's, found through the library's own dependencies (absent unless oneDNN was built with OpenMP) */
    void (*omp_set_num_threads)(int);
    int (*omp_get_max_threads)(void);

    /* convolutions, in both major versions (optional) */
    dnnl_status_t (*engine_create)(dnnl_handle_t*, int kind, size_t index);
    dnnl_status_t (*stream_create)(dnnl_handle_t*, dnnl_handle_t engine, unsigned flags);
    dnnl_status_t (*stream_wait)(dnnl_handle_t);
    dnnl_status_t (*stream_destroy)(dnnl_handle_t);
    int (*memory_desc_equal)(rcnn4j_md_t, rcnn4j_md_t);
    size_t (*memory_desc_get_size)(rcnn4j_md_t);
    dnnl_status_t (*memory_create)(dnnl_handle_t*, rcnn4j_md_t, dnnl_handle_t engine, void* handle);
    dnnl_status_t (*memory_destroy)(dnnl_handle_t);
    dnnl_status_t (*attr_create)(dnnl_handle_t*);
    dnnl_status_t (*attr_destroy)(dnnl_handle_t);
    dnnl_status_t (*attr_set_scratchpad_mode)(dnnl_handle_t, int mode);
    dnnl_status_t (*primitive_desc_destroy)(dnnl_handle_t);
    rcnn4j_md_t (*primitive_desc_query_md)(dnnl_handle_t, int what, int index);
    dnnl_status_t (*reorder_primitive_desc_create)(dnnl_handle_t*, rcnn4j_md_t src, dnnl_handle_t src_engine,
                                                   rcnn4j_md_t dst, dnnl_handle_t dst_engine, dnnl_handle_t attr);
    dnnl_status_t (*primitive_create)(dnnl_handle_t*, dnnl_handle_t primitive_desc);
    dnnl_status_t (*primitive_destroy)(dnnl_handle_t);
    dnnl_status_t (*primitive_execute)(dnnl_handle_t, dnnl_handle_t stream, int nargs, const dnnl_exec_arg_t*);

    /* 2.x only: descriptors the caller owns */
    dnnl_status_t (*memory_desc_init_by_tag)(rcnn4j_memory_desc_t*, int ndims, const dnnl_dims_t, int data_type,
                                             int tag);
    dnnl_status_t (*memory_desc_init_by_strides)(rcnn4j_memory_desc_t*, int ndims, const dnnl_dims_t,
                                                 int data_type, const dnnl_dims_t strides);
    dnnl_status_t (*conv_forward_desc_init)(rcnn4j_conv_desc_t*, int prop_kind, int alg_kind, rcnn4j_md_t src,
                                            rcnn4j_md_t weights, rcnn4j_md_t bias, rcnn4j_md_t dst,
                                            const dnnl_dims_t strides, const dnnl_dims_t dilates,
                                            const dnnl_dims_t padding_l, const dnnl_dims_t padding_r);
    dnnl_status_t (*conv_backward_data_desc_init)(rcnn4j_conv_desc_t*, int alg_kind, rcnn4j_md_t diff_src,
                                                  rcnn4j_md_t weights, rcnn4j_md_t diff_dst,
                                                  const dnnl_dims_t strides, const dnnl_dims_t dilates,
                                                  const dnnl_dims_t padding_l, const dnnl_dims_t padding_r);
    dnnl_status_t (*conv_backward_weights_desc_init)(rcnn4j_conv_desc_t*, int alg_kind, rcnn4j_md_t src,
                                                     rcnn4j_md_t diff_weights, rcnn4j_md_t diff_bias,
                                                     rcnn4j_md_t diff_dst, const dnnl_dims_t strides,
                                                     const dnnl_dims_t dilates, const dnnl_dims_t padding_l,
                                                     const dnnl_dims_t padding_r);
    dnnl_status_t (*primitive_desc_create)(dnnl_handle_t*, const void* op_desc, dnnl_handle_t attr,
                                           dnnl_handle_t engine, dnnl_handle_t hint_forward);

    /* 3.x only: descriptor handles, and one primitive-descriptor function per pass */
    dnnl_status_t (*memory_desc_create_with_tag)(dnnl_handle_t*, int ndims, const dnnl_dims_t, int data_type,
                                                 int tag);
    dnnl_status_t (*memory_desc_create_with_strides)(dnnl_handle_t*, int ndims, const dnnl_dims_t, int data_type,
                                                     const dnnl_dims_t strides);
    dnnl_status_t (*memory_desc_destroy)(dnnl_handle_t);
    dnnl_status_t (*conv_forward_pd_create)(dnnl_handle_t*, dnnl_handle_t engine, int prop_kind, int alg_kind,
                                            rcnn4j_md_t src, rcnn4j_md_t weights, rcnn4j_md_t bias,
                                            rcnn4j_md_t dst, const dnnl_dims_t strides, const dnnl_dims_t dilates,
                                            const dnnl_dims_t padding_l, const dnnl_dims_t padding_r,
                                            dnnl_handle_t attr);
    dnnl_status_t (*conv_backward_data_pd_create)(dnnl_handle_t*, dnnl_handle_t engine, int alg_kind,
                                                  rcnn4j_md_t diff_src, rcnn4j_md_t weights, rcnn4j_md_t diff_dst,
                                                  const dnnl_dims_t strides, const dnnl_dims_t dilates,
                                                  const dnnl_dims_t padding_l, const dnnl_dims_t padding_r,
                                                  dnnl_handle_t hint_forward, dnnl_handle_t attr);
    dnnl_status_t (*conv_backward_weights_pd_create)(dnnl_handle_t*, dnnl_handle_t engine, int alg_kind,
                                                     rcnn4j_md_t src, rcnn4j_md_t diff_weights,
                                                     rcnn4j_md_t diff_bias, rcnn4j_md_t diff_dst,
                                                     const dnnl_dims_t strides, const dnnl_dims_t dilates,
                                                     const dnnl_dims_t padding_l, const dnnl_dims_t padding_r,
                                                     dnnl_handle_t hint_forward, dnnl_handle_t attr);
} rcnn4j_dnnl_t;

/* The table, filled by onednn_lib.c's open. */
extern rcnn4j_dnnl_t rcnn4j_dnnl;

/* Which convolution API the library has in full: 2 or 3 (its major version), or 0 for none; found when it opened. */
int rcnn4j_dnnl_convolution_api(void);

/* Whether it can describe strided views of an array (the forward pass's bands of rows). */
int rcnn4j_dnnl_has_views(void);

/* Sets the calling thread's OpenMP thread count to threads when oneDNN uses OpenMP and it differs. */
void rcnn4j_dnnl_use_threads(int threads);

#endif
