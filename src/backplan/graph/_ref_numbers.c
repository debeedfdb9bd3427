/* The node numbers that lists of ids refer to, compiled: a big plan's ``after`` lists.
 *
 * numbers(index, lists) -> (bytearray, bool)
 *   ``index`` maps each id (a str) to its node number (an int from 0 to 2**62); ``lists`` is a
 *   tuple of tuples of ids. Returns every id's number, list after list, as native 64-bit
 *   integers (``numpy.frombuffer(..., dtype=numpy.int64)`` or ``memoryview.cast("q")`` read
 *   them), and whether each list names only numbers below its own position in ``lists``.
 *   Raises KeyError(id) for the first id that ``index`` does not hold, TypeError when a key or
 *   an id is not a str, a list not a tuple, or a number not an int.
 *
 * The same as ``graph.refs.ref_numbers`` in Python (its fallback, and what the tests compare it
 * with). Every key of ``index`` and every id is checked to be an exact str first, so looking an
 * id up compares strs only (no ``__eq__`` of another type), and nothing allocated here is
 * tracked by the garbage collector: no Python code runs while the lists are read, and the
 * tuples cannot change.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>

static PyObject *numbers(PyObject *module, PyObject *args)
{
    PyObject *index, *lists;
    if (!PyArg_ParseTuple(args, "O!O!", &PyDict_Type, &index, &PyTuple_Type, &lists)) {
        return NULL;
    }
    Py_ssize_t position = 0;
    PyObject *key, *value;
    while (PyDict_Next(index, &position, &key, &value)) {
        if (!PyUnicode_CheckExact(key)) {
            PyErr_SetString(PyExc_TypeError, "the ids of the index must be str");
            return NULL;
        }
    }
    Py_ssize_t count = PyTuple_GET_SIZE(lists), total = 0;
    for (Py_ssize_t i = 0; i < count; i++) {
        PyObject *ids = PyTuple_GET_ITEM(lists, i);
        if (!PyTuple_CheckExact(ids)) {
            PyErr_SetString(PyExc_TypeError, "each list of ids must be a tuple");
            return NULL;
        }
        total += PyTuple_GET_SIZE(ids);
        if (total > PY_SSIZE_T_MAX / (Py_ssize_t)sizeof(int64_t)) {
            return PyErr_NoMemory();
        }
    }
    PyObject *out = PyByteArray_FromStringAndSize(NULL, total * (Py_ssize_t)sizeof(int64_t));
    if (out == NULL) {
        return NULL;
    }
    int64_t *number = (int64_t *)PyByteArray_AS_STRING(out);
    int in_order = 1;
    Py_ssize_t at = 0;
    for (Py_ssize_t i = 0; i < count; i++) {
        PyObject *ids = PyTuple_GET_ITEM(lists, i);
        Py_ssize_t size = PyTuple_GET_SIZE(ids);
        for (Py_ssize_t k = 0; k < size; k++) {
            PyObject *id = PyTuple_GET_ITEM(ids, k);
            if (!PyUnicode_CheckExact(id)) {
                PyErr_SetString(PyExc_TypeError, "ids must be str");
                goto fail;
            }
            PyObject *value = PyDict_GetItemWithError(index, id);
            if (value == NULL) {
                if (!PyErr_Occurred()) {
                    PyErr_SetObject(PyExc_KeyError, id);
                }
                goto fail;
            }
            if (!PyLong_CheckExact(value)) {
                PyErr_SetString(PyExc_TypeError, "node numbers must be int");
                goto fail;
            }
            long long n = PyLong_AsLongLong(value);
            if (n == -1 && PyErr_Occurred()) {
                goto fail;
            }
            if (n < 0 || n > ((long long)1 << 62)) {
                PyErr_SetString(PyExc_ValueError, "node numbers must be from 0 to 2**62");
                goto fail;
            }
            number[at++] = (int64_t)n;
            if (n >= i) {
                in_order = 0;
            }
        }
    }
    return Py_BuildValue("(NO)", out, in_order ? Py_True : Py_False);
fail:
    Py_DECREF(out);
    return NULL;
}

static PyMethodDef methods[] = {
    {"numbers", numbers, METH_VARARGS,
     "numbers(index, lists) -> (bytearray, bool): the node number of every id (int64)."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_ref_numbers",
    "The node numbers that lists of ids refer to (see _ref_numbers.c).", -1, methods,
};

PyMODINIT_FUNC PyInit__ref_numbers(void)
{
    return PyModule_Create(&module);
}
