/* explain_conv.c — explain for a conv layer's kernel element Kk[f,ch,i,j]
 * and bias ck[f]. A kernel weight is shared: every output position (p, q)
 * of filter f uses it, so its gradient is the sum over the batch rows r
 * and every position of dZk[r,f,p,q]·In[r,ch,p+i-pad,q+j-pad], where In
 * is what the layer reads (X, or the previous layer's A or P) and a
 * position whose input falls in the zero padding adds nothing. The terms
 * are too many to write out, so the largest few are, with how many there
 * are and their sum, which is backward's dKk[f,ch,i,j]. */
#include "explain_conv.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cmd_tensor.h"
#include "cmd_util.h"

#define NUM(v) cmd_num(c, (v), (char[40]){0}, 40)
#define TOP 4 /* the largest terms written out */

int explain_conv_elem(CmdCtx *c, const char *ref, ConvElem *e, size_t *at, char *pname, size_t n)
{
    char name[32];
    CmdRef r;
    if (cmd_parse_slice(c, ref, name, sizeof name, &r) != 0)
        return -1;
    if (cmd_ref_sliced(&r))
        return cmd_fail(c, "explain takes one number at a time, as in `explain %s[0,0,1,1]`", name);
    TensorName tn;
    tensor_name_parse(name, &tn);
    char pn[16];
    snprintf(pn, sizeof pn, "%c%d", tn.kind, tn.layer);
    Tensor t;
    int rc = session_tensor(c->s, pn, &t, c->err);
    if (rc != 0)
        return cmd_name_refused(c, pn, rc);
    if (r.n == 0)
        return cmd_fail(c, "explain takes one number of %s: give its index, as in `explain %s[0%s]`", pn, pn,
                        t.ndim == 4 ? ",0,1,1" : "");
    size_t el;
    if (cmd_ref_index(c, &t, &r, &el) != 0)
        return -1;
    const Layer *l = &c->s->model->layer[tn.layer - 1];
    e->k = tn.layer;
    e->bias = t.ndim != 4;
    e->f = e->bias ? (int)el : (int)(el / (size_t)(l->c_in * l->ksize * l->ksize));
    e->ch = e->bias ? 0 : (int)(el / (size_t)(l->ksize * l->ksize) % (size_t)l->c_in);
    e->i = e->bias ? 0 : (int)(el / (size_t)l->ksize % (size_t)l->ksize);
    e->j = e->bias ? 0 : (int)(el % (size_t)l->ksize);
    *at = (e->bias ? l->b_off : l->w_off) + el;
    if (e->bias)
        snprintf(pname, n, "c%d[%d]", e->k, e->f);
    else
        snprintf(pname, n, "K%d[%d,%d,%d,%d]", e->k, e->f, e->ch, e->i, e->j);
    return 0;
}

/* The name of what layer k reads: X, or A / P of the layer before. */
static void in_name(const Model *m, int k, char *buf, size_t n)
{
    if (k == 1)
        snprintf(buf, n, "X");
    else
        snprintf(buf, n, "%c%d", m->p[k - 2] ? 'P' : 'A', k - 1);
}

void explain_conv_describe(CmdCtx *c, const ConvElem *e, const char *pname)
{
    const Layer *l = &c->s->model->layer[e->k - 1];
    char in[16];
    in_name(c->s->model, e->k, in, sizeof in);
    int k = e->k;
    if (e->bias)
        cmd_out(c, "%s is the bias of filter %d in conv layer %d, added at every position of its map:\n", pname, e->f,
                k);
    else
        cmd_out(c, "%s is row %d, column %d of filter %d's %d×%d kernel on input channel %d of conv layer %d:\n",
                pname, e->i, e->j, e->f, l->ksize, l->ksize, e->ch, k);
    cmd_out(c, "  Z%d[r,f,p,q] = Σ_c Σ_i Σ_j %s[r,c,p+i%s,q+j%s]·K%d[f,c,i,j] + c%d[f]   (%s read as %d×%d×%d images)\n",
            k, in, l->pad_top ? "-pad" : "", l->pad_left ? "-pad" : "", k, k, in, l->c_in, l->h_in, l->w_in);
    cmd_out(c, "The same number is used at all %d×%d = %d positions (p, q) of the map, in every row of the batch: "
            "that is the sharing.%s\n", l->h_out, l->w_out, l->h_out * l->w_out,
            l->pad_top || l->pad_left ? " Positions that reach into the zero padding read 0 there." : "");
}

/* One term of the gradient: its value and where it was. */
typedef struct Term {
    double v, dz, x;
    int r, p, q;
} Term;

/* Keeps the TOP largest |v| in top (n of them so far). */
static void keep(Term *top, int *n, const Term *t)
{
    int at = *n < TOP ? (*n)++ : TOP - 1;
    if (at == TOP - 1 && *n == TOP && fabs(t->v) <= fabs(top[at].v))
        return;
    top[at] = *t;
    for (; at > 0 && fabs(top[at].v) > fabs(top[at - 1].v); at--) {
        Term s = top[at];
        top[at] = top[at - 1];
        top[at - 1] = s;
    }
}

double explain_conv_gradient(CmdCtx *c, const ConvElem *e, const char *pname)
{
    const Session *s = c->s;
    const Model *m = s->model;
    const Layer *l = &m->layer[e->k - 1];
    int k = e->k, B = s->rows, P = l->h_out * l->w_out;
    char in[16];
    in_name(m, k, in, sizeof in);
    const double *x = k == 1 ? s->xb : nn_output_of(m, k - 2); /* (B, c_in·h_in·w_in) */
    const double *dz = m->dz[k - 1];                           /* (B, c_out·h_out·w_out) */
    if (e->bias)
        cmd_out(c, "  d%s = Σ_r Σ_(p,q) dZ%d[r,%d,p,q]   (every row r of the batch, every position of the map)\n",
                pname, k, e->f);
    else
        cmd_out(c, "  d%s = Σ_r Σ_(p,q) dZ%d[r,%d,p,q]·%s[r,%d,p+%d%s,q+%d%s]   (every row r of the batch, every "
                "position (p, q) the filter visited)\n", pname, k, e->f, in, e->ch, e->i, l->pad_top ? "-pad" : "",
                e->j, l->pad_left ? "-pad" : "");
    Term top[TOP];
    int nt = 0;
    long terms = 0, padded = 0;
    double sum = 0;
    for (int r = 0; r < B; r++)
        for (int p = 0; p < l->h_out; p++)
            for (int q = 0; q < l->w_out; q++) {
                double d = dz[(size_t)r * (size_t)l->n_map + (size_t)e->f * (size_t)P + (size_t)(p * l->w_out + q)];
                Term t = {d, d, 1.0, r, p, q};
                if (!e->bias) {
                    int y = p + e->i - l->pad_top, xx = q + e->j - l->pad_left;
                    if (y < 0 || y >= l->h_in || xx < 0 || xx >= l->w_in) {
                        padded++;
                        continue;
                    }
                    t.x = x[(size_t)r * (size_t)l->n_in + (size_t)e->ch * (size_t)(l->h_in * l->w_in) +
                            (size_t)(y * l->w_in + xx)];
                    t.v = d * t.x;
                }
                terms++;
                sum += t.v;
                keep(top, &nt, &t);
            }
    cmd_out(c, "With this batch: %ld term%s (%d row%s × %d positions%s), the largest in size:\n", terms,
            terms == 1 ? "" : "s", B, B == 1 ? "" : "s", P, padded ? ", less those in the padding" : "");
    for (int q = 0; q < nt; q++) {
        const Term *t = &top[q];
        if (e->bias)
            cmd_out(c, "  dZ%d[%d,%d,%d,%d] = %s\n", k, t->r, e->f, t->p, t->q, NUM(t->v));
        else
            cmd_out(c, "  dZ%d[%d,%d,%d,%d]·%s[%d,%d,%d,%d] = %s·%s = %s\n", k, t->r, e->f, t->p, t->q, in, t->r,
                    e->ch, t->p + e->i - l->pad_top, t->q + e->j - l->pad_left, NUM(t->dz), NUM(t->x), NUM(t->v));
    }
    const double *gp = &m->grads[(e->bias ? l->b_off + (size_t)e->f
                                 : l->w_off + (((size_t)e->f * (size_t)l->c_in + (size_t)e->ch) * (size_t)l->ksize +
                                               (size_t)e->i) * (size_t)l->ksize + (size_t)e->j)];
    double g = *gp;
    double w = m->params[gp - m->grads];
    double pen = e->bias || !penalty_on(&s->pen) ? 0.0 : penalty_grad_one(&s->pen, w);
    cmd_out(c, "  %s all %ld: %s", terms > nt ? "... summing" : "summing", terms, NUM(sum));
    if (pen != 0)
        cmd_out(c, ", plus the penalty's part %s = %s", NUM(pen), NUM(sum + pen));
    cmd_out(c, "\n");
    if (s->clip.kind == CLIP_OFF) /* else the caller writes what clipping made of it */
        cmd_out(c, "  backward's d%s = %s\n", pname, NUM(g));
    return sum + pen;
}

bool explain_conv_input(const Model *m, int k, int shape[3])
{
    if (k < 2 || m->layer[k - 2].kind != LAYER_CONV || m->layer[k - 1].kind == LAYER_CONV)
        return false;
    const Layer *l = &m->layer[k - 2];
    shape[0] = l->c_out;
    shape[1] = l->pool ? l->h_pool : l->h_out;
    shape[2] = l->pool ? l->w_pool : l->w_out;
    return true;
}

const char *explain_conv_flat(const int shape[3], int f, char *buf, size_t n)
{
    int hw = shape[1] * shape[2];
    snprintf(buf, n, "%d,%d,%d", f / hw, f % hw / shape[2], f % shape[2]);
    return buf;
}

void explain_conv_flatten(CmdCtx *c, const int shape[3], int k, const char *in)
{
    cmd_out(c, "  (layer %d reads %s flattened: %s[b,c,y,x] of the %d×%d×%d map is input f = c·%d + y·%d + x)\n", k, in,
            in, shape[0], shape[1], shape[2], shape[1] * shape[2], shape[2]);
}
