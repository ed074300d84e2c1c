/*
 * The baseline of the decision benchmark: the default XSM rule written directly in C,
 * run over the workload that bench/run.ts writes (same domains, same triples).
 *
 * Input (little-endian int32): magic "XPB1", nDomains, nOps, nTriples,
 *   nDomains x {is_privileged, is_xenstore, target index or -1},
 *   nOps x {action or -1, target bound},
 *   nTriples x {op, src, tgt or -1}.
 * Output: one JSON line with the median rate over the passes, the rate of the first (cold) pass,
 * and the checksum of one pass.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

enum action { HOOK, DM_PRIV, TARGET, PRIV, XS_PRIV };

struct dom {
    uint8_t is_privileged;
    uint8_t is_xenstore;
    int16_t target; /* index of the domain this one is device model for, or -1 */
};

struct op {
    int8_t action;
    int8_t target_bound; /* the rule gets the operation's target, else NULL */
};

/* The default rule on domain indices; -1 is NULL. */
static inline int default_action(int action, const struct dom *doms, int src, int tgt)
{
    const struct dom *s = &doms[src];

    switch (action) {
    case HOOK:
        return 1;
    case TARGET:
        if (src == tgt)
            return 1;
        /* fallthrough */
    case XS_PRIV:
        if (action == XS_PRIV && s->is_xenstore)
            return 1;
        /* fallthrough */
    case DM_PRIV:
        if (tgt >= 0 && s->target == tgt)
            return 1;
        /* fallthrough */
    case PRIV:
        return s->is_privileged;
    default:
        return 0;
    }
}

static inline int decide(const struct op *ops, const struct dom *doms, int op, int src, int tgt)
{
    const struct op *o = &ops[op];
    return default_action(o->action, doms, src, o->target_bound ? tgt : -1);
}

static volatile uint32_t sink;

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static int32_t *read_all(const char *path, long *words)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, 0, SEEK_SET);
    int32_t *buf = malloc(size);
    if (!buf || fread(buf, 1, size, f) != (size_t)size) {
        fclose(f);
        return NULL;
    }
    fclose(f);
    *words = size / 4;
    return buf;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: %s workload.bin passes\n", argv[0]);
        return 2;
    }
    long words;
    int32_t *in = read_all(argv[1], &words);
    if (!in || words < 4 || in[0] != 0x31425058) {
        fprintf(stderr, "%s: not a workload file\n", argv[1]);
        return 2;
    }
    int nd = in[1], no = in[2], nt = in[3], passes = atoi(argv[2]);
    if (words != 4 + 3L * nd + 2L * no + 3L * nt || passes < 1 || passes > 99) {
        fprintf(stderr, "%s: bad sizes\n", argv[1]);
        return 2;
    }
    struct dom *doms = malloc(sizeof *doms * nd);
    struct op *ops = malloc(sizeof *ops * no);
    const int32_t *p = in + 4;
    for (int i = 0; i < nd; i++, p += 3)
        doms[i] = (struct dom){ (uint8_t)p[0], (uint8_t)p[1], (int16_t)p[2] };
    for (int i = 0; i < no; i++, p += 2)
        ops[i] = (struct op){ (int8_t)p[0], (int8_t)p[1] };
    const int32_t *w = p;

    double secs[100], cold = 0;
    uint32_t allows = 0, pos = 0;
    for (int pass = -1; pass < passes; pass++) { /* pass -1 warms the caches */
        uint32_t a = 0, ps = 0;
        double t0 = now();
        for (uint32_t i = 0; i < (uint32_t)nt; i++) {
            uint32_t d = decide(ops, doms, w[3 * i], w[3 * i + 1], w[3 * i + 2]);
            a += d;
            ps += i & -d;
        }
        double t = now() - t0;
        if (pass >= 0)
            secs[pass] = t;
        else
            cold = t;
        allows = a;
        pos = ps;
        sink += a ^ ps; /* keeps every pass's result live */
    }
    qsort(secs, passes, sizeof secs[0], cmp);
    printf("{\"rate\":%.0f,\"coldRate\":%.0f,\"allows\":%u,\"pos\":%u,\"triples\":%d,\"passes\":%d}\n",
           nt / secs[passes / 2], nt / cold, allows, pos, nt, passes);
    return 0;
}
