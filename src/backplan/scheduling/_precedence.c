/* The precedence network of a large plan and its two passes, compiled.
 *
 * The same network and passes as ``scheduling/network.py`` and ``scheduling/passes.py`` (and the
 * numpy engine of ``scheduling/vectorized.py``); ``vectorized.py`` calls these when the install
 * built them, and the tests compare the schedules with the plain loops'.
 *
 * compile(n, afters, pred, lag, special) -> (order, first_edge, pred, offset)
 *   n nodes: the scheduled actions 0 .. len(afters) - 1, then the milestones. Action i has
 *   len(afters[i]) edges: the next numbers of ``pred`` (int64 in a buffer, or ints in a list or
 *   tuple), each with offset lag[i] + 1. ``special`` holds more edges as (target, predecessor,
 *   offset) tuples; when there are any, every (target, predecessor) pair is kept once, with its
 *   largest offset, and each target's edges are sorted by predecessor (else they stay in
 *   ``after`` order).
 *   ``order`` is None when every edge goes from a lower number to a higher one. Else it is the
 *   canonical level order (a node without predecessors is on level 0, any other one above its
 *   highest predecessor; by level, then by number), and the edges are renumbered to positions
 *   in it. The edges come grouped by target: target t's are ``first_edge[t]`` to
 *   ``first_edge[t + 1] - 1`` of ``pred`` and ``offset``; all three are bytearrays of int64.
 *   Returns None when the edges go round in a circle.
 * passes(first_edge, pred, offset, duration, not_before, cap, is_action, today, release)
 *   -> (earliest_start, earliest_finish, latest_start, latest_finish, total_slack, drivers,
 *       binding_successors)
 *   Both passes over nodes numbered in a topological order (``compile``'s buffers; an edge
 *   whose predecessor is not below its target is a ValueError). An action starts no earlier
 *   than ``today``, a milestone than ``today + release``, and a node than its ``not_before``
 *   (an int, or None). Per node, the lowest-numbered driving predecessor and binding successor
 *   (a successor does not bind a node that finishes on its own ``cap``), or None.
 *
 * Numbers come as exact ints in a list or tuple, or as int64 in an exact memoryview (format
 * "q"); anything else is a TypeError, so no Python code runs while the inputs are read. Every
 * number is between -2**40 and 2**40 (a lag below 2**40; node numbers from 0 to n - 1), else
 * OverflowError, and no sum overflows (a result beyond 2**61 raises OverflowError too: the
 * caller runs the Python loops then). A list of the wrong length is a ValueError.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define LIMIT ((int64_t)1 << 40)
#define RESULT_LIMIT ((int64_t)1 << 61)

/* One int within [low, high] into *out; -1 with an exception set when it is not. */
static int read_int(PyObject *item, int64_t low, int64_t high, int64_t *out)
{
    if (!PyLong_CheckExact(item)) {
        PyErr_SetString(PyExc_TypeError, "every number must be an int");
        return -1;
    }
    int overflow = 0;
    long long value = PyLong_AsLongLongAndOverflow(item, &overflow);
    if (value == -1 && PyErr_Occurred()) {
        return -1;
    }
    if (overflow || value < low || value > high) {
        PyErr_SetString(PyExc_OverflowError, "a number is out of range");
        return -1;
    }
    *out = (int64_t)value;
    return 0;
}

/* An exact memoryview's buffer of int64 (C-contiguous, one dimension) into *view (to release);
 * -1 with an exception set when ``source`` is released or holds something else. An exact
 * memoryview hands out its buffer without running Python code. */
static int int64_view(PyObject *source, Py_buffer *view)
{
    if (PyObject_GetBuffer(source, view, PyBUF_FORMAT | PyBUF_C_CONTIGUOUS) < 0) {
        return -1;
    }
    if (view->itemsize == 8 && view->format != NULL && view->ndim == 1
        && (strcmp(view->format, "q") == 0 || strcmp(view->format, "=q") == 0
            || (strcmp(view->format, "l") == 0 && sizeof(long) == 8))) {
        return 0;
    }
    PyBuffer_Release(view);
    PyErr_SetString(PyExc_TypeError, "a memoryview of numbers must hold int64 (format 'q')");
    return -1;
}

/* How many numbers ``source`` holds: an exact list or tuple, or an exact memoryview of int64;
 * -1 with TypeError for anything else. */
static Py_ssize_t int_count(PyObject *source)
{
    if (PyList_CheckExact(source) || PyTuple_CheckExact(source)) {
        return PySequence_Fast_GET_SIZE(source);
    }
    if (!Py_IS_TYPE(source, &PyMemoryView_Type)) {
        PyErr_SetString(PyExc_TypeError,
                        "numbers must be a list or tuple of ints, or a memoryview of int64");
        return -1;
    }
    Py_buffer view;
    if (int64_view(source, &view) < 0) {
        return -1;
    }
    Py_ssize_t count = view.len / 8;
    PyBuffer_Release(&view);
    return count;
}

/* ``count`` numbers within [low, high] from ``source`` (see int_count). */
static int read_ints(PyObject *source, Py_ssize_t count, int64_t low, int64_t high, int64_t *out)
{
    Py_ssize_t given = int_count(source);
    if (given < 0) {
        return -1;
    }
    if (given != count) {
        PyErr_SetString(PyExc_ValueError, "a list of numbers has the wrong length");
        return -1;
    }
    if (PyList_CheckExact(source) || PyTuple_CheckExact(source)) {
        PyObject **items = PySequence_Fast_ITEMS(source);
        for (Py_ssize_t i = 0; i < count; i++) {
            if (read_int(items[i], low, high, &out[i]) < 0) {
                return -1;
            }
        }
        return 0;
    }
    Py_buffer view;
    if (int64_view(source, &view) < 0) {
        return -1;
    }
    const int64_t *values = (const int64_t *)view.buf;
    int status = 0;
    for (Py_ssize_t i = 0; i < count; i++) {
        if (values[i] < low || values[i] > high) {
            PyErr_SetString(PyExc_OverflowError, "a number is out of range");
            status = -1;
            break;
        }
        out[i] = values[i];
    }
    PyBuffer_Release(&view);
    return status;
}

/* A count ``source`` gives as an exact int from 0 to ``high``, into *out; -1 with an exception
 * set when it is not one. */
static int read_count(PyObject *source, Py_ssize_t high, Py_ssize_t *out)
{
    int64_t value;
    if (read_int(source, 0, (int64_t)high, &value) < 0) {
        return -1;
    }
    *out = (Py_ssize_t)value;
    return 0;
}

/* A new bytearray of ``count`` int64, with *data pointing into it. */
static PyObject *int64_buffer(Py_ssize_t count, int64_t **data)
{
    if (count > PY_SSIZE_T_MAX / 8) {
        return PyErr_NoMemory();
    }
    PyObject *out = PyByteArray_FromStringAndSize(NULL, count * 8);
    if (out != NULL) {
        *data = (int64_t *)PyByteArray_AS_STRING(out);
    }
    return out;
}

typedef struct {
    int64_t pred;
    int64_t offset;
} Edge;

/* By predecessor, the largest offset first. */
static int by_pred(const void *a, const void *b)
{
    const Edge *x = a, *y = b;
    if (x->pred != y->pred) {
        return x->pred < y->pred ? -1 : 1;
    }
    return x->offset > y->offset ? -1 : (x->offset < y->offset ? 1 : 0);
}

/* The canonical level order of the n nodes (Kahn's algorithm): 0, or 1 when the edges go round
 * in a circle, or -1 with an exception set. */
static int level_order(Py_ssize_t n, const Py_ssize_t *first, const Edge *edges, int64_t *order)
{
    Py_ssize_t total = first[n];
    Py_ssize_t *succ_first = PyMem_Calloc((size_t)n + 1, sizeof(Py_ssize_t));
    Py_ssize_t *succ = PyMem_Malloc(((size_t)total + 1) * sizeof(Py_ssize_t));
    Py_ssize_t *waiting = PyMem_Malloc(((size_t)n + 1) * sizeof(Py_ssize_t));
    Py_ssize_t *queue = PyMem_Malloc(((size_t)n + 1) * sizeof(Py_ssize_t));
    Py_ssize_t *level = PyMem_Calloc((size_t)n + 1, sizeof(Py_ssize_t));
    Py_ssize_t *bucket = PyMem_Calloc((size_t)n + 2, sizeof(Py_ssize_t));
    int result = -1;
    if (!succ_first || !succ || !waiting || !queue || !level || !bucket) {
        PyErr_NoMemory();
        goto done;
    }
    for (Py_ssize_t e = 0; e < total; e++) {
        succ_first[edges[e].pred + 1]++;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        succ_first[i + 1] += succ_first[i];
        waiting[i] = first[i + 1] - first[i];
    }
    for (Py_ssize_t t = 0; t < n; t++) { /* successors of each node (bucket: a cursor each) */
        for (Py_ssize_t e = first[t]; e < first[t + 1]; e++) {
            succ[succ_first[edges[e].pred] + bucket[edges[e].pred]++] = t;
        }
    }
    memset(bucket, 0, ((size_t)n + 2) * sizeof(Py_ssize_t));
    Py_ssize_t head = 0, tail = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        if (waiting[i] == 0) {
            queue[tail++] = i;
        }
    }
    while (head < tail) {
        Py_ssize_t u = queue[head++];
        for (Py_ssize_t k = succ_first[u]; k < succ_first[u + 1]; k++) {
            Py_ssize_t v = succ[k];
            if (level[v] < level[u] + 1) {
                level[v] = level[u] + 1;
            }
            if (--waiting[v] == 0) {
                queue[tail++] = v;
            }
        }
    }
    if (tail != n) {
        result = 1;
        goto done;
    }
    for (Py_ssize_t i = 0; i < n; i++) { /* a counting sort by level, by number within one */
        bucket[level[i] + 1]++;
    }
    for (Py_ssize_t k = 0; k < n; k++) {
        bucket[k + 1] += bucket[k];
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        order[bucket[level[i]]++] = i;
    }
    result = 0;
done:
    PyMem_Free(succ_first);
    PyMem_Free(succ);
    PyMem_Free(waiting);
    PyMem_Free(queue);
    PyMem_Free(level);
    PyMem_Free(bucket);
    return result;
}

static PyObject *compile(PyObject *module, PyObject *args)
{
    Py_ssize_t n;
    PyObject *count, *afters, *pred_source, *lags, *special;
    if (!PyArg_ParseTuple(args, "OOOOO!", &count, &afters, &pred_source, &lags, &PyList_Type,
                          &special)) {
        return NULL;
    }
    if (read_count(count, (Py_ssize_t)LIMIT, &n) < 0) {
        return NULL;
    }
    if (!PyList_CheckExact(afters) && !PyTuple_CheckExact(afters)) {
        PyErr_SetString(PyExc_TypeError, "afters must be a list or tuple of tuples");
        return NULL;
    }
    Py_ssize_t n_actions = PySequence_Fast_GET_SIZE(afters);
    Py_ssize_t n_special = PyList_GET_SIZE(special);
    if (n < n_actions) {
        PyErr_SetString(PyExc_ValueError, "n must count the actions and the milestones");
        return NULL;
    }
    Py_ssize_t n_after = 0;
    for (Py_ssize_t i = 0; i < n_actions; i++) {
        PyObject *after = PySequence_Fast_ITEMS(afters)[i];
        if (!PyTuple_CheckExact(after)) {
            PyErr_SetString(PyExc_TypeError, "each after must be a tuple");
            return NULL;
        }
        n_after += PyTuple_GET_SIZE(after);
    }
    if (n_after > (PY_SSIZE_T_MAX / 16) - n_special - n_actions) {
        return PyErr_NoMemory();
    }
    Py_ssize_t total = n_after + n_special;
    PyObject *result = NULL, *order_list = NULL, *first_out = NULL, *pred_out = NULL,
             *offset_out = NULL;
    int64_t *pred_in = PyMem_Malloc(((size_t)n_after + 1) * sizeof(int64_t));
    int64_t *lag = PyMem_Malloc(((size_t)n_actions + 1) * sizeof(int64_t));
    Py_ssize_t *sizes = PyMem_Malloc(((size_t)n_actions + 1) * sizeof(Py_ssize_t));
    int64_t *target = PyMem_Malloc(((size_t)total + 1) * sizeof(int64_t));
    Edge *raw = PyMem_Malloc(((size_t)total + 1) * sizeof(Edge));
    Edge *edges = PyMem_Malloc(((size_t)total + 1) * sizeof(Edge));
    Py_ssize_t *first = PyMem_Calloc((size_t)n + 2, sizeof(Py_ssize_t));
    int64_t *order = NULL, *position = NULL;
    if (!pred_in || !lag || !sizes || !target || !raw || !edges || !first) {
        PyErr_NoMemory();
        goto done;
    }
    for (Py_ssize_t i = 0; i < n_actions; i++) { /* no Python code runs: they stay as read */
        sizes[i] = PyTuple_GET_SIZE(PySequence_Fast_ITEMS(afters)[i]);
    }
    if (read_ints(pred_source, n_after, 0, (int64_t)n - 1, pred_in) < 0
        || read_ints(lags, n_actions, -LIMIT, LIMIT - 1, lag) < 0) {
        goto done;
    }
    Py_ssize_t e = 0;
    for (Py_ssize_t i = 0; i < n_actions; i++) {
        Py_ssize_t size = sizes[i];
        for (Py_ssize_t k = 0; k < size; k++, e++) {
            raw[e].pred = pred_in[e];
            raw[e].offset = lag[i] + 1;
            target[e] = i;
        }
    }
    for (Py_ssize_t s = 0; s < n_special; s++, e++) {
        PyObject *triple = PyList_GET_ITEM(special, s);
        if (!PyTuple_CheckExact(triple) || PyTuple_GET_SIZE(triple) != 3) {
            PyErr_SetString(PyExc_TypeError, "each special edge must be a (target, predecessor, "
                                             "offset) tuple");
            goto done;
        }
        if (read_int(PyTuple_GET_ITEM(triple, 0), 0, (int64_t)n - 1, &target[e]) < 0
            || read_int(PyTuple_GET_ITEM(triple, 1), 0, (int64_t)n - 1, &raw[e].pred) < 0
            || read_int(PyTuple_GET_ITEM(triple, 2), -LIMIT, LIMIT, &raw[e].offset) < 0) {
            goto done;
        }
    }
    /* Group by target, keeping the order within a target (a counting sort). */
    for (e = 0; e < total; e++) {
        first[target[e] + 1]++;
    }
    for (Py_ssize_t t = 0; t < n; t++) {
        first[t + 1] += first[t];
    }
    for (e = 0; e < total; e++) {
        edges[first[target[e]]++] = raw[e];
    }
    memmove(first + 1, first, (size_t)n * sizeof(Py_ssize_t));
    first[0] = 0;
    if (n_special) { /* each (target, predecessor) once, with its largest offset */
        Py_ssize_t kept = 0, start = 0;
        for (Py_ssize_t t = 0; t < n; t++) {
            Py_ssize_t end = first[t + 1];
            qsort(edges + start, (size_t)(end - start), sizeof(Edge), by_pred);
            for (Py_ssize_t k = start; k < end; k++) {
                if (k == start || edges[k].pred != edges[k - 1].pred) {
                    edges[kept++] = edges[k];
                }
            }
            start = end;
            first[t + 1] = kept;
        }
        total = kept;
    }
    int in_order = 1;
    for (Py_ssize_t t = 0; t < n && in_order; t++) {
        for (Py_ssize_t k = first[t]; k < first[t + 1]; k++) {
            if (edges[k].pred >= t) {
                in_order = 0;
                break;
            }
        }
    }
    int64_t *first_data = NULL, *pred_data = NULL, *offset_data = NULL;
    first_out = int64_buffer(n + 1, &first_data);
    pred_out = int64_buffer(total, &pred_data);
    offset_out = int64_buffer(total, &offset_data);
    if (!first_out || !pred_out || !offset_out) {
        goto done;
    }
    if (in_order) {
        order_list = Py_NewRef(Py_None);
        for (Py_ssize_t t = 0; t <= n; t++) {
            first_data[t] = first[t];
        }
        for (Py_ssize_t k = 0; k < total; k++) {
            pred_data[k] = edges[k].pred;
            offset_data[k] = edges[k].offset;
        }
    } else {
        order = PyMem_Malloc(((size_t)n + 1) * sizeof(int64_t));
        position = PyMem_Malloc(((size_t)n + 1) * sizeof(int64_t));
        if (!order || !position) {
            PyErr_NoMemory();
            goto done;
        }
        int circle = level_order(n, first, edges, order);
        if (circle != 0) {
            result = circle > 0 ? Py_NewRef(Py_None) : NULL;
            goto done;
        }
        order_list = PyList_New(n);
        if (order_list == NULL) {
            goto done;
        }
        for (Py_ssize_t k = 0; k < n; k++) {
            position[order[k]] = k;
            PyObject *number = PyLong_FromSsize_t((Py_ssize_t)order[k]);
            if (number == NULL) {
                goto done;
            }
            PyList_SET_ITEM(order_list, k, number);
        }
        Py_ssize_t at = 0;
        first_data[0] = 0;
        for (Py_ssize_t k = 0; k < n; k++) {
            Py_ssize_t old = (Py_ssize_t)order[k];
            for (Py_ssize_t x = first[old]; x < first[old + 1]; x++, at++) {
                pred_data[at] = position[edges[x].pred];
                offset_data[at] = edges[x].offset;
            }
            first_data[k + 1] = at;
        }
    }
    result = PyTuple_Pack(4, order_list, first_out, pred_out, offset_out);
done:
    Py_XDECREF(order_list);
    Py_XDECREF(first_out);
    Py_XDECREF(pred_out);
    Py_XDECREF(offset_out);
    PyMem_Free(pred_in);
    PyMem_Free(lag);
    PyMem_Free(sizes);
    PyMem_Free(target);
    PyMem_Free(raw);
    PyMem_Free(edges);
    PyMem_Free(first);
    PyMem_Free(order);
    PyMem_Free(position);
    return result;
}

/* Distinct values of one column share an int object when they span at most this many numbers
 * (day numbers do: a plan's hundreds of working days for 100,000 actions, which saves
 * allocating, and later touching, an int per action). */
#define SHARED_SPAN 65536

/* A new list of the n numbers; a number equal to ``none`` stands for None when none_allowed. */
static PyObject *int_list(const int64_t *values, Py_ssize_t n, int none_allowed, int64_t none)
{
    PyObject *list = PyList_New(n);
    if (list == NULL) {
        return NULL;
    }
    int64_t low = 0, high = -1;
    for (Py_ssize_t i = 0; i < n; i++) {
        if (!(none_allowed && values[i] == none)) {
            if (high < low) {
                low = high = values[i];
            }
            low = values[i] < low ? values[i] : low;
            high = values[i] > high ? values[i] : high;
        }
    }
    PyObject **shared = NULL;
    if (high >= low && high - low < SHARED_SPAN && high - low < n) {
        shared = PyMem_Calloc((size_t)(high - low + 1), sizeof(PyObject *));
        if (shared == NULL) {
            Py_DECREF(list);
            return PyErr_NoMemory();
        }
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *item;
        if (none_allowed && values[i] == none) {
            item = Py_NewRef(Py_None);
        } else if (shared != NULL) {
            PyObject **slot = &shared[values[i] - low];
            if (*slot == NULL) {
                *slot = PyLong_FromLongLong((long long)values[i]);
            }
            item = Py_XNewRef(*slot);
        } else {
            item = PyLong_FromLongLong((long long)values[i]);
        }
        if (item == NULL) {
            Py_DECREF(list);
            list = NULL;
            break;
        }
        PyList_SET_ITEM(list, i, item);
    }
    if (shared != NULL) {
        for (int64_t k = 0; k <= high - low; k++) {
            Py_XDECREF(shared[k]);
        }
        PyMem_Free(shared);
    }
    return list;
}

static PyObject *passes(PyObject *module, PyObject *args)
{
    PyObject *first_source, *pred_source, *offset_source, *durations, *not_before, *caps,
        *is_action, *today_source, *release_source;
    if (!PyArg_ParseTuple(args, "OOOOO!OO!OO", &first_source, &pred_source, &offset_source,
                          &durations, &PyList_Type, &not_before, &caps, &PyTuple_Type,
                          &is_action, &today_source, &release_source)) {
        return NULL;
    }
    int64_t today, release;
    if (read_int(today_source, -LIMIT, LIMIT, &today) < 0
        || read_int(release_source, -LIMIT, LIMIT, &release) < 0) {
        return NULL;
    }
    Py_ssize_t n = PyTuple_GET_SIZE(is_action);
    Py_ssize_t total = int_count(pred_source);
    if (total < 0) {
        return NULL;
    }
    if (PyList_GET_SIZE(not_before) != n || n > PY_SSIZE_T_MAX / 128
        || total > PY_SSIZE_T_MAX / 16) {
        PyErr_SetString(PyExc_ValueError, "a list has the wrong length");
        return NULL;
    }
    PyObject *result = NULL, *lists[7] = {NULL};
    int64_t *pred = NULL, *offset = NULL;
    int64_t *first = PyMem_Malloc(((size_t)n + 1) * sizeof(int64_t));
    int64_t *column = PyMem_Malloc(((size_t)n + 1) * 11 * sizeof(int64_t));
    if (!first || !column) {
        PyErr_NoMemory();
        goto done;
    }
    if (read_ints(first_source, n + 1, 0, (int64_t)total, first) < 0) {
        goto done;
    }
    if (first[0] != 0 || first[n] != total) {
        PyErr_SetString(PyExc_ValueError, "first_edge must run from 0 to the count of edges");
        goto done;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        if (first[i + 1] < first[i]) {
            PyErr_SetString(PyExc_ValueError, "first_edge must not go down");
            goto done;
        }
    }
    pred = PyMem_Malloc(((size_t)total + 1) * sizeof(int64_t));
    offset = PyMem_Malloc(((size_t)total + 1) * sizeof(int64_t));
    if (!pred || !offset) {
        PyErr_NoMemory();
        goto done;
    }
    int64_t *duration = column, *floor = column + n, *cap = column + 2 * n,
            *es = column + 3 * n, *ef = column + 4 * n, *ls = column + 5 * n,
            *lf = column + 6 * n, *slack = column + 7 * n, *driver = column + 8 * n,
            *binding = column + 9 * n, *has_floor = column + 10 * n;
    if (read_ints(pred_source, total, 0, n > 0 ? (int64_t)n - 1 : 0, pred) < 0
        || read_ints(offset_source, total, -LIMIT, LIMIT, offset) < 0
        || read_ints(durations, n, -LIMIT, LIMIT, duration) < 0
        || read_ints(caps, n, -LIMIT, LIMIT, cap) < 0) {
        goto done;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *bound = PyList_GET_ITEM(not_before, i), *action = PyTuple_GET_ITEM(is_action, i);
        for (int64_t k = first[i]; k < first[i + 1]; k++) {
            if (pred[k] >= i) {
                PyErr_SetString(PyExc_ValueError, "the nodes must be in a topological order");
                goto done;
            }
        }
        if (action != Py_True && action != Py_False) {
            PyErr_SetString(PyExc_TypeError, "is_action must hold bools");
            goto done;
        }
        has_floor[i] = bound != Py_None;
        if (has_floor[i] && read_int(bound, -LIMIT, LIMIT, &floor[i]) < 0) {
            goto done;
        }
    }
    for (Py_ssize_t i = 0; i < n; i++) { /* forward, in number order */
        int64_t start = PyTuple_GET_ITEM(is_action, i) == Py_True ? today : today + release;
        if (has_floor[i] && floor[i] > start) {
            start = floor[i];
        }
        for (int64_t k = first[i]; k < first[i + 1]; k++) {
            int64_t value = ef[pred[k]] + offset[k];
            if (value > start) {
                start = value;
            }
        }
        es[i] = start;
        ef[i] = start + duration[i] - 1;
        if (ef[i] > RESULT_LIMIT || es[i] > RESULT_LIMIT) {
            PyErr_SetString(PyExc_OverflowError, "the dates run out of range");
            goto done;
        }
    }
    memcpy(lf, cap, (size_t)n * sizeof(int64_t));
    for (Py_ssize_t i = n - 1; i >= 0; i--) { /* backward: every successor is done */
        ls[i] = lf[i] - duration[i] + 1;
        if (ls[i] < -RESULT_LIMIT) {
            PyErr_SetString(PyExc_OverflowError, "the dates run out of range");
            goto done;
        }
        for (int64_t k = first[i]; k < first[i + 1]; k++) {
            int64_t value = ls[i] - offset[k];
            if (value < lf[pred[k]]) {
                lf[pred[k]] = value;
            }
        }
    }
    int64_t none = (int64_t)n;
    for (Py_ssize_t i = 0; i < n; i++) {
        slack[i] = ls[i] - es[i];
        driver[i] = binding[i] = none;
    }
    for (Py_ssize_t t = 0; t < n; t++) {
        for (int64_t k = first[t]; k < first[t + 1]; k++) {
            int64_t p = pred[k];
            if (ef[p] + offset[k] == es[t] && p < driver[t]) {
                driver[t] = p;
            }
            if (ls[t] - offset[k] == lf[p] && lf[p] != cap[p] && t < binding[p]) {
                binding[p] = t;
            }
        }
    }
    int64_t *columns[7] = {es, ef, ls, lf, slack, driver, binding};
    for (int c = 0; c < 7; c++) {
        lists[c] = int_list(columns[c], n, c >= 5, none);
        if (lists[c] == NULL) {
            goto done;
        }
    }
    result = PyTuple_Pack(7, lists[0], lists[1], lists[2], lists[3], lists[4], lists[5],
                          lists[6]);
done:
    for (int c = 0; c < 7; c++) {
        Py_XDECREF(lists[c]);
    }
    PyMem_Free(first);
    PyMem_Free(pred);
    PyMem_Free(offset);
    PyMem_Free(column);
    return result;
}

static PyMethodDef methods[] = {
    {"compile", compile, METH_VARARGS,
     "compile(n, afters, pred, lag, special) -> (order, first_edge, pred, offset)."},
    {"passes", passes, METH_VARARGS,
     "passes(first_edge, pred, offset, duration, not_before, cap, is_action, today, release)"
     " -> the two passes' columns, drivers and binding successors."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_precedence",
    "A large plan's precedence network and its two passes (see _precedence.c).", -1, methods,
};

PyMODINIT_FUNC PyInit__precedence(void)
{
    return PyModule_Create(&module);
}
