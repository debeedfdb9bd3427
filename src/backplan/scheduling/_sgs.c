/* The serial schedule-generation scheme of the levelled scheduler, compiled.
 *
 * The same placement as ``Engine._sgs`` in levelling_engine.py, for problems where every
 * person's free units are held in a bytearray (the common case; capacities beyond 255 units a day
 * stay in Python). The engine falls back to its Python code when this module is missing, and the
 * tests check that both give the same schedules.
 *
 * Decoder(duration, parts, effort, preds, succs, release, k_limit, people)
 *   duration[i]: working days of node i; parts[i]: ((person, units), ...): units booked every
 *   day of a fixed duration, or for work sized by effort (effort[i] >= 0 units in all, else -1)
 *   the most the person gives it a day;
 *   preds[i] / succs[i]: ((node, offset), ...) in tau (start >= finish of pred + offset);
 *   release[i]: first tau day of node i; k_limit: tau days a node may use at most.
 * forward(order, lanes) -> (ts, tf) | int | None
 *   Each node of ``order`` at its first tau day where its people have the units, booked into a
 *   copy of ``lanes``. An int: the node that cannot be booked within k_limit. None: a node needs
 *   tau days beyond the lanes' length (the caller grows them and decodes in Python).
 * backward(order, lanes, horizon) -> (ts, tf) | None
 *   The same placement in mirrored time (m = horizon - k) over the successors, every node ending
 *   by ``horizon``; returns tau days. None: a node would start before its release.
 * by_finish(tf) / by_start(ts) -> list
 *   Nodes by finish, latest first (ties: lower node first); by start, earliest first (ties:
 *   higher node first).
 *
 * Every number must be an int (exactly: no Python code runs while the arrays are read) within
 * LIMIT; a Decoder is set up once.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    PyObject_HEAD
    int ready; /* set up by __init__, once */
    Py_ssize_t n;
    Py_ssize_t people;
    long k_limit;
    long *duration;
    long *effort;
    long *release;
    Py_ssize_t *part_start; /* n + 1 */
    long *part_person;
    long *part_units;
    Py_ssize_t *pred_start; /* n + 1 */
    long *pred_node;
    long *pred_offset;
    Py_ssize_t *succ_start; /* n + 1 */
    long *succ_node;
    long *succ_offset;
    /* scratch */
    long *ts, *tf, *first, *end, *order, *keys;
    unsigned char *rows;
    Py_ssize_t rows_size;
} Decoder;

#define NO_ROOM_HERE (-1)

/* Tau days, durations, offsets and efforts are at most this (far beyond any plan), so that no sum
 * of them overflows a long. */
#define LIMIT (1L << 40)

static void
decoder_free_arrays(Decoder *self)
{
    PyMem_Free(self->duration);
    PyMem_Free(self->effort);
    PyMem_Free(self->release);
    PyMem_Free(self->part_start);
    PyMem_Free(self->part_person);
    PyMem_Free(self->part_units);
    PyMem_Free(self->pred_start);
    PyMem_Free(self->pred_node);
    PyMem_Free(self->pred_offset);
    PyMem_Free(self->succ_start);
    PyMem_Free(self->succ_node);
    PyMem_Free(self->succ_offset);
    PyMem_Free(self->ts);
    PyMem_Free(self->tf);
    PyMem_Free(self->first);
    PyMem_Free(self->end);
    PyMem_Free(self->order);
    PyMem_Free(self->keys);
    PyMem_Free(self->rows);
}

static void
decoder_dealloc(Decoder *self)
{
    decoder_free_arrays(self);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

/* ``seq`` as a list or tuple of ``n`` items (a new reference), or NULL with an error set. */
static PyObject *
sized(PyObject *seq, Py_ssize_t n, const char *what)
{
    PyObject *fast = PySequence_Fast(seq, what);
    if (fast != NULL && PySequence_Fast_GET_SIZE(fast) != n) {
        PyErr_Format(PyExc_ValueError, "%s: expected %zd items", what, n);
        Py_CLEAR(fast);
    }
    return fast;
}

/* A sequence of ints into ``out`` (n of them). */
static int
read_longs(PyObject *seq, Py_ssize_t n, long *out, const char *what)
{
    PyObject *fast = sized(seq, n, what);
    if (fast == NULL)
        return -1;
    PyObject **items = PySequence_Fast_ITEMS(fast);
    for (Py_ssize_t i = 0; i < n; i++) {
        /* ints only: nothing of Python's (an __index__) runs while the items are read */
        if (!PyLong_CheckExact(items[i])) {
            PyErr_Format(PyExc_TypeError, "%s: expected ints", what);
            Py_DECREF(fast);
            return -1;
        }
        long v = PyLong_AsLong(items[i]);
        if (v == -1 && PyErr_Occurred()) {
            Py_DECREF(fast);
            return -1;
        }
        out[i] = v;
    }
    Py_DECREF(fast);
    return 0;
}

/* Per node, a list or tuple of int pairs: into CSR arrays (``start`` has n + 1 entries). */
static int
read_pairs(PyObject *seq, Py_ssize_t n, Py_ssize_t **start, long **first, long **second,
           const char *what)
{
    PyObject *fast = sized(seq, n, what);
    if (fast == NULL)
        return -1;
    PyObject **items = PySequence_Fast_ITEMS(fast);
    Py_ssize_t total = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        /* lists and tuples only: nothing of Python's (a __len__) runs while they are read */
        if (!PyList_CheckExact(items[i]) && !PyTuple_CheckExact(items[i])) {
            PyErr_Format(PyExc_TypeError, "%s: expected a list or tuple per node", what);
            Py_DECREF(fast);
            return -1;
        }
        total += PySequence_Fast_GET_SIZE(items[i]);
    }
    *start = PyMem_Calloc((size_t)n + 1, sizeof(Py_ssize_t));
    *first = PyMem_Calloc((size_t)total + 1, sizeof(long));
    *second = PyMem_Calloc((size_t)total + 1, sizeof(long));
    if (*start == NULL || *first == NULL || *second == NULL) {
        Py_DECREF(fast);
        PyErr_NoMemory();
        return -1;
    }
    Py_ssize_t k = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        (*start)[i] = k;
        PyObject *inner = items[i];
        Py_INCREF(inner);
        Py_ssize_t size = PySequence_Fast_GET_SIZE(inner);
        PyObject **pairs = PySequence_Fast_ITEMS(inner);
        for (Py_ssize_t j = 0; j < size && k < total; j++, k++) {
            PyObject *pair = pairs[j];
            long a = -1, b = -1;
            if (PyTuple_CheckExact(pair) && PyTuple_GET_SIZE(pair) == 2
                && PyLong_CheckExact(PyTuple_GET_ITEM(pair, 0))
                && PyLong_CheckExact(PyTuple_GET_ITEM(pair, 1))) {
                a = PyLong_AsLong(PyTuple_GET_ITEM(pair, 0));
                b = PyLong_AsLong(PyTuple_GET_ITEM(pair, 1));
            }
            else
                PyErr_Format(PyExc_TypeError, "%s: expected (int, int) pairs", what);
            if (PyErr_Occurred()) {
                Py_DECREF(inner);
                Py_DECREF(fast);
                return -1;
            }
            (*first)[k] = a;
            (*second)[k] = b;
        }
        Py_DECREF(inner);
    }
    (*start)[n] = k;
    Py_DECREF(fast);
    return 0;
}

static int
decoder_init(Decoder *self, PyObject *args, PyObject *kwds)
{
    PyObject *duration, *parts, *effort, *preds, *succs, *release;
    long k_limit;
    Py_ssize_t people;
    static char *kwlist[] = {"duration", "parts", "effort", "preds", "succs", "release",
                             "k_limit", "people", NULL};
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "OOOOOOln", kwlist, &duration, &parts,
                                     &effort, &preds, &succs, &release, &k_limit, &people))
        return -1;
    if (self->ready || self->duration != NULL) {
        PyErr_SetString(PyExc_TypeError, "a Decoder is set up once");
        return -1;
    }
    if (people < 0 || k_limit < 0 || k_limit > LIMIT) {
        PyErr_SetString(PyExc_ValueError, "people, k_limit: out of range");
        return -1;
    }
    Py_ssize_t n = PySequence_Size(duration);
    if (n < 0)
        return -1;
    self->n = n;
    self->people = people;
    self->k_limit = k_limit;
    size_t cells = (size_t)n + 1;
    self->duration = PyMem_Calloc(cells, sizeof(long));
    self->effort = PyMem_Calloc(cells, sizeof(long));
    self->release = PyMem_Calloc(cells, sizeof(long));
    self->ts = PyMem_Calloc(cells, sizeof(long));
    self->tf = PyMem_Calloc(cells, sizeof(long));
    self->first = PyMem_Calloc(cells, sizeof(long));
    self->end = PyMem_Calloc(cells, sizeof(long));
    self->order = PyMem_Calloc(cells, sizeof(long));
    self->keys = PyMem_Calloc(cells, sizeof(long));
    if (!self->duration || !self->effort || !self->release || !self->ts || !self->tf || !self->first
        || !self->end || !self->order || !self->keys) {
        PyErr_NoMemory();
        return -1;
    }
    if (read_longs(duration, n, self->duration, "duration") < 0
        || read_longs(effort, n, self->effort, "effort") < 0
        || read_longs(release, n, self->release, "release") < 0
        || read_pairs(parts, n, &self->part_start, &self->part_person, &self->part_units,
                      "parts") < 0
        || read_pairs(preds, n, &self->pred_start, &self->pred_node, &self->pred_offset,
                      "preds") < 0
        || read_pairs(succs, n, &self->succ_start, &self->succ_node, &self->succ_offset,
                      "succs") < 0)
        return -1;
    for (Py_ssize_t k = 0; k < self->part_start[n]; k++) {
        long r = self->part_person[k], a = self->part_units[k];
        if (r < 0 || r >= people || a < 0) {
            PyErr_SetString(PyExc_ValueError, "parts: a person or units out of range");
            return -1;
        }
    }
    for (Py_ssize_t i = 0; i < n; i++)
        for (Py_ssize_t k = self->part_start[i]; k < self->part_start[i + 1]; k++)
            if (self->effort[i] < 0 && self->part_units[k] > 255) {
                PyErr_SetString(PyExc_ValueError, "parts: more than 255 units a day");
                return -1;
            }
    for (Py_ssize_t i = 0; i < n; i++)
        if (self->release[i] < 0 || self->release[i] > LIMIT || self->duration[i] < 0
            || self->duration[i] > LIMIT || self->effort[i] > LIMIT) {
            PyErr_SetString(PyExc_ValueError, "release, duration, effort: out of range");
            return -1;
        }
    for (Py_ssize_t k = 0; k < self->pred_start[n]; k++)
        if (self->pred_node[k] < 0 || self->pred_node[k] >= n || self->pred_offset[k] < -LIMIT
            || self->pred_offset[k] > LIMIT) {
            PyErr_SetString(PyExc_ValueError, "preds: a node or offset out of range");
            return -1;
        }
    for (Py_ssize_t k = 0; k < self->succ_start[n]; k++)
        if (self->succ_node[k] < 0 || self->succ_node[k] >= n || self->succ_offset[k] < -LIMIT
            || self->succ_offset[k] > LIMIT) {
            PyErr_SetString(PyExc_ValueError, "succs: a node or offset out of range");
            return -1;
        }
    self->ready = 1;
    return 0;
}

/* Methods need a decoder that __init__ set up. */
static int
check_ready(Decoder *self)
{
    if (!self->ready) {
        PyErr_SetString(PyExc_TypeError, "the Decoder is not set up");
        return -1;
    }
    return 0;
}

/* Room for ``people`` rows of ``length`` bytes. */
static unsigned char *
scratch_rows(Decoder *self, Py_ssize_t length)
{
    if (self->people > 0 && length > PY_SSIZE_T_MAX / self->people) {
        PyErr_NoMemory();
        return NULL;
    }
    Py_ssize_t size = self->people * length;
    if (size < 1)
        size = 1;
    if (size > self->rows_size) {
        unsigned char *rows = PyMem_Realloc(self->rows, (size_t)size);
        if (rows == NULL) {
            PyErr_NoMemory();
            return NULL;
        }
        self->rows = rows;
        self->rows_size = size;
    }
    return self->rows;
}

/* The lanes, a list of one bytearray per person, all of one length; -1 on error. */
static Py_ssize_t
lanes_length(Decoder *self, PyObject *lanes)
{
    if (!PyList_Check(lanes) || PyList_GET_SIZE(lanes) != self->people) {
        PyErr_SetString(PyExc_ValueError, "lanes: one bytearray per person");
        return -1;
    }
    Py_ssize_t length = -1;
    for (Py_ssize_t r = 0; r < self->people; r++) {
        PyObject *lane = PyList_GET_ITEM(lanes, r);
        if (!PyByteArray_Check(lane)) {
            PyErr_SetString(PyExc_TypeError, "lanes: one bytearray per person");
            return -1;
        }
        Py_ssize_t size = PyByteArray_GET_SIZE(lane);
        if (length >= 0 && size != length) {
            PyErr_SetString(PyExc_ValueError, "lanes: all of one length");
            return -1;
        }
        length = size;
    }
    return length < 0 ? 0 : length;
}

/* The order as node numbers into self->order; -1 on error. */
static int
read_order(Decoder *self, PyObject *order)
{
    if (read_longs(order, self->n, self->order, "order") < 0)
        return -1;
    for (Py_ssize_t k = 0; k < self->n; k++)
        if (self->order[k] < 0 || self->order[k] >= self->n) {
            PyErr_SetString(PyExc_ValueError, "order: a node out of range");
            return -1;
        }
    return 0;
}

/* The first t >= s with at least ``a`` free on each of days t .. t + d - 1 of ``row``
 * (``length`` days), or NO_ROOM_HERE. */
static long
find_window(const unsigned char *row, long length, long s, long d, long a)
{
    for (;;) {
        long e = s + d;
        if (e > length)
            return NO_ROOM_HERE;
        long u = e - 1;
        while (u >= s && row[u] >= a)
            u--;
        if (u < s)
            return s;
        s = u + 1;
    }
}

enum { PLACED = -1, GROW = -2, NO_FIT = -3 };

/* Whether day ``u`` is beyond the rows: GROW when they may still grow, else NO_FIT; 0 if not. */
static long
beyond(Decoder *self, long u, long length, int grow)
{
    if (u < length)
        return 0;
    return (grow && length < self->k_limit) ? GROW : NO_FIT;
}

/* Work sized by effort from day ``s`` (or the first day after it when one of its people has
 * units free), each person giving up to their daily units until the effort is booked: sets
 * ts[i] and returns the last day, or GROW / NO_FIT. */
static long
place_effort(Decoder *self, long i, long s, unsigned char *rows, long length, int grow)
{
    Py_ssize_t p0 = self->part_start[i], p1 = self->part_start[i + 1];
    long stop = self->end[i] - 1, why;
    for (;;) { /* the first day someone has units free */
        if (s > stop)
            return NO_FIT;
        if ((why = beyond(self, s, length, grow)) != 0)
            return why;
        Py_ssize_t p = p0;
        while (p < p1 && rows[self->part_person[p] * length + s] == 0)
            p++;
        if (p < p1)
            break;
        s++;
    }
    long left = self->effort[i], u = s;
    for (;;) {
        if (u > stop)
            return NO_FIT;
        if ((why = beyond(self, u, length, grow)) != 0)
            return why;
        for (Py_ssize_t p = p0; p < p1 && left; p++) {
            unsigned char *cell = rows + self->part_person[p] * length + u;
            long free = *cell;
            if (free) {
                long take = self->part_units[p] < free ? self->part_units[p] : free;
                if (take > left)
                    take = left;
                *cell = (unsigned char)(free - take);
                left -= take;
            }
        }
        if (!left)
            break;
        u++;
    }
    self->ts[i] = s;
    return u;
}

/* Serial schedule generation over ``rows`` (``length`` days a person): returns PLACED, the node
 * that does not fit, or GROW (a node needs days beyond ``length``, which may still come). */
static long
sgs(Decoder *self, const Py_ssize_t *pstart, const long *pnode, const long *poffset,
    unsigned char *rows, long length, int grow)
{
    long *ts = self->ts, *tf = self->tf;
    memset(ts, 0, (size_t)self->n * sizeof(long)); /* as the Python placement's fresh [0] * n */
    memset(tf, 0, (size_t)self->n * sizeof(long));
    for (Py_ssize_t k = 0; k < self->n; k++) {
        long i = self->order[k];
        long s = self->first[i];
        for (Py_ssize_t j = pstart[i]; j < pstart[i + 1]; j++) {
            long v = tf[pnode[j]] + poffset[j];
            if (v > s)
                s = v;
        }
        long d = self->duration[i];
        Py_ssize_t p0 = self->part_start[i], p1 = self->part_start[i + 1];
        Py_ssize_t total = p1 - p0;
        if (self->effort[i] >= 0) {
            long u = place_effort(self, i, s, rows, length, grow);
            if (u < 0)
                return u == GROW ? GROW : i;
            tf[i] = u;
            continue;
        }
        if (total > 0) {
            Py_ssize_t p = p0, stable = 0;
            for (;;) { /* each person's first run of days in turn, until all agree */
                long t = find_window(rows + self->part_person[p] * length, length, s, d,
                                     self->part_units[p]);
                if (t == NO_ROOM_HERE)
                    return (grow && length < self->k_limit) ? GROW : i;
                if (t != s) {
                    s = t;
                    stable = 1;
                }
                else
                    stable++;
                if (stable >= total)
                    break;
                if (++p == p1)
                    p = p0;
            }
            if (s + d > self->end[i])
                return i;
            for (p = p0; p < p1; p++) {
                unsigned char *row = rows + self->part_person[p] * length;
                unsigned char a = (unsigned char)self->part_units[p];
                for (long u = s; u < s + d; u++)
                    row[u] -= a;
            }
        }
        else if (s + d > self->end[i])
            return i;
        ts[i] = s;
        tf[i] = s + d - 1;
    }
    return PLACED;
}

/* (ts, tf) as two lists, mapped by ``sign * x + shift``, swapped when ``swap``. */
static PyObject *
pair_of_lists(Decoder *self, long sign, long shift, int swap)
{
    PyObject *a = PyList_New(self->n), *b = PyList_New(self->n);
    if (a == NULL || b == NULL)
        goto fail;
    for (Py_ssize_t i = 0; i < self->n; i++) {
        PyObject *x = PyLong_FromLong(sign * self->ts[i] + shift);
        if (x == NULL)
            goto fail;
        PyList_SET_ITEM(a, i, x);
        PyObject *y = PyLong_FromLong(sign * self->tf[i] + shift);
        if (y == NULL)
            goto fail;
        PyList_SET_ITEM(b, i, y);
    }
    return swap ? Py_BuildValue("(NN)", b, a) : Py_BuildValue("(NN)", a, b);
fail:
    Py_XDECREF(a);
    Py_XDECREF(b);
    return NULL;
}

static PyObject *
decoder_forward(Decoder *self, PyObject *args)
{
    PyObject *order, *lanes;
    if (!PyArg_ParseTuple(args, "OO!", &order, &PyList_Type, &lanes))
        return NULL;
    if (check_ready(self) < 0 || read_order(self, order) < 0)
        return NULL;
    Py_ssize_t length = lanes_length(self, lanes);
    if (length < 0)
        return NULL;
    unsigned char *rows = scratch_rows(self, length);
    if (rows == NULL)
        return NULL;
    for (Py_ssize_t r = 0; r < self->people; r++)
        memcpy(rows + r * length, PyByteArray_AS_STRING(PyList_GET_ITEM(lanes, r)),
               (size_t)length);
    for (Py_ssize_t i = 0; i < self->n; i++) {
        self->first[i] = self->release[i];
        self->end[i] = self->k_limit;
    }
    long out = sgs(self, self->pred_start, self->pred_node, self->pred_offset, rows,
                   (long)length, 1);
    if (out == GROW)
        Py_RETURN_NONE;
    if (out != PLACED)
        return PyLong_FromLong(out);
    return pair_of_lists(self, 1, 0, 0);
}

static PyObject *
decoder_backward(Decoder *self, PyObject *args)
{
    PyObject *order, *lanes;
    long horizon;
    if (!PyArg_ParseTuple(args, "OO!l", &order, &PyList_Type, &lanes, &horizon))
        return NULL;
    if (horizon < 0 || horizon > LIMIT) {
        PyErr_SetString(PyExc_ValueError, "horizon: out of range");
        return NULL;
    }
    if (check_ready(self) < 0 || read_order(self, order) < 0)
        return NULL;
    Py_ssize_t length = lanes_length(self, lanes);
    if (length < 0)
        return NULL;
    long mirrored = horizon + 1;
    unsigned char *rows = scratch_rows(self, mirrored);
    if (rows == NULL)
        return NULL;
    for (Py_ssize_t r = 0; r < self->people; r++) {
        const unsigned char *lane =
            (const unsigned char *)PyByteArray_AS_STRING(PyList_GET_ITEM(lanes, r));
        unsigned char *row = rows + r * mirrored;
        for (long m = 0; m < mirrored; m++) {
            long k = horizon - m;
            row[m] = k < length ? lane[k] : 0;
        }
    }
    for (Py_ssize_t i = 0; i < self->n; i++) {
        self->first[i] = 0;
        self->end[i] = horizon + 1 - self->release[i];
    }
    long out = sgs(self, self->succ_start, self->succ_node, self->succ_offset, rows, mirrored,
                   0);
    if (out != PLACED)
        Py_RETURN_NONE;
    /* tau start = horizon - mirrored finish, tau finish = horizon - mirrored start */
    return pair_of_lists(self, -1, horizon, 1);
}

/* Nodes by a key of longs (``sign`` times ``values``), ascending; of equal keys, the lower node
 * first when ``ties_ascending``, else the higher. A counting sort over the keys' range (tau
 * days: at most the lanes' limit). */
static PyObject *
sorted_nodes(Decoder *self, PyObject *values, long sign, int ties_ascending)
{
    if (check_ready(self) < 0)
        return NULL;
    Py_ssize_t n = self->n;
    long *keys = self->keys;
    if (read_longs(values, n, keys, "values") < 0)
        return NULL;
    long low = 0, high = -1;
    for (Py_ssize_t i = 0; i < n; i++) {
        if (keys[i] < -LIMIT || keys[i] > LIMIT) {
            PyErr_SetString(PyExc_ValueError, "values: out of range");
            return NULL;
        }
        keys[i] *= sign;
        if (i == 0 || keys[i] < low)
            low = keys[i];
        if (i == 0 || keys[i] > high)
            high = keys[i];
    }
    if (high - low > 4 * (long)n + (1L << 24)) {
        PyErr_SetString(PyExc_ValueError, "values: too far apart to sort by counting");
        return NULL;
    }
    size_t range = n ? (size_t)(high - low) + 2 : 1;
    Py_ssize_t *at = PyMem_Calloc(range, sizeof(Py_ssize_t));
    if (at == NULL)
        return PyErr_NoMemory();
    for (Py_ssize_t i = 0; i < n; i++)
        at[keys[i] - low + 1]++;
    for (size_t k = 1; k < range; k++)
        at[k] += at[k - 1];
    for (Py_ssize_t j = 0; j < n; j++) {
        Py_ssize_t i = ties_ascending ? j : n - 1 - j;
        self->order[at[keys[i] - low]++] = (long)i;
    }
    PyMem_Free(at);
    PyObject *out = PyList_New(n);
    if (out == NULL)
        return NULL;
    for (Py_ssize_t k = 0; k < n; k++) {
        PyObject *x = PyLong_FromLong(self->order[k]);
        if (x == NULL) {
            Py_DECREF(out);
            return NULL;
        }
        PyList_SET_ITEM(out, k, x);
    }
    return out;
}

static PyObject *
decoder_by_finish(Decoder *self, PyObject *tf)
{
    return sorted_nodes(self, tf, -1, 1);
}

static PyObject *
decoder_by_start(Decoder *self, PyObject *ts)
{
    return sorted_nodes(self, ts, 1, 0);
}

static PyMethodDef decoder_methods[] = {
    {"forward", (PyCFunction)decoder_forward, METH_VARARGS,
     "forward(order, lanes) -> (ts, tf) | int | None"},
    {"backward", (PyCFunction)decoder_backward, METH_VARARGS,
     "backward(order, lanes, horizon) -> (ts, tf) | None"},
    {"by_finish", (PyCFunction)decoder_by_finish, METH_O,
     "by_finish(tf) -> nodes by finish, latest first (ties: lower node first)"},
    {"by_start", (PyCFunction)decoder_by_start, METH_O,
     "by_start(ts) -> nodes by start, earliest first (ties: higher node first)"},
    {NULL, NULL, 0, NULL},
};

static PyTypeObject DecoderType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "backplan.scheduling._sgs.Decoder",
    .tp_basicsize = sizeof(Decoder),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "Serial schedule generation on bytearray lanes (fixed durations and effort).",
    .tp_new = PyType_GenericNew,
    .tp_init = (initproc)decoder_init,
    .tp_dealloc = (destructor)decoder_dealloc,
    .tp_methods = decoder_methods,
};

static struct PyModuleDef sgs_module = {
    PyModuleDef_HEAD_INIT,
    .m_name = "backplan.scheduling._sgs",
    .m_doc = "The levelled scheduler's serial schedule generation, compiled.",
    .m_size = -1,
};

PyMODINIT_FUNC
PyInit__sgs(void)
{
    if (PyType_Ready(&DecoderType) < 0)
        return NULL;
    PyObject *module = PyModule_Create(&sgs_module);
    if (module == NULL)
        return NULL;
    Py_INCREF(&DecoderType);
    if (PyModule_AddObject(module, "Decoder", (PyObject *)&DecoderType) < 0) {
        Py_DECREF(&DecoderType);
        Py_DECREF(module);
        return NULL;
    }
    return module;
}
