/* The values of some fields of many objects, a list per field, compiled: a big plan's actions.
 *
 * columns(items, names) -> list[list]
 *   ``[[item.__dict__[name] for item in items] for name in names]``: each item's instance
 *   dictionary read directly (pydantic models keep their field values there). ``items`` is a
 *   tuple; ``names`` a tuple of str. Raises KeyError(name) when an item's dictionary lacks a
 *   name, TypeError when an item has no instance dictionary.
 *
 * The same as ``backplan._columns.field_columns`` in Python (its fallback, and what the tests
 * compare it with). Python code may run while a dictionary is read (a key of another type with
 * the same hash is compared with ``==``; a collection the allocations trigger runs finalizers):
 * so the items come as a tuple, which no code can change, and each dictionary is held while it
 * is read.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

static PyObject *columns(PyObject *module, PyObject *args)
{
    PyObject *items, *names;
    if (!PyArg_ParseTuple(args, "O!O!", &PyTuple_Type, &items, &PyTuple_Type, &names)) {
        return NULL;
    }
    Py_ssize_t width = PyTuple_GET_SIZE(names);
    for (Py_ssize_t k = 0; k < width; k++) {
        if (!PyUnicode_CheckExact(PyTuple_GET_ITEM(names, k))) {
            PyErr_SetString(PyExc_TypeError, "names must be str");
            return NULL;
        }
    }
    Py_ssize_t count = PyTuple_GET_SIZE(items);
    PyObject **item = &PyTuple_GET_ITEM(items, 0);
    /* The lists are filled while Python code may run (a finalizer, an __eq__): until then the
     * garbage collector does not track them, so no code can find their empty slots. */
    PyObject *result = PyList_New(width);
    if (result == NULL) {
        return NULL;
    }
    PyObject_GC_UnTrack(result);
    for (Py_ssize_t k = 0; k < width; k++) {
        PyObject *column = PyList_New(count);
        if (column == NULL) {
            goto fail;
        }
        PyObject_GC_UnTrack(column);
        PyList_SET_ITEM(result, k, column);
    }
    for (Py_ssize_t i = 0; i < count; i++) {
        if (Py_TYPE(item[i])->tp_dictoffset == 0) {
            PyErr_Format(PyExc_TypeError, "%.100s objects have no __dict__",
                         Py_TYPE(item[i])->tp_name);
            goto fail;
        }
        PyObject *dict = PyObject_GenericGetDict(item[i], NULL);
        if (dict == NULL) {
            goto fail;
        }
        for (Py_ssize_t k = 0; k < width; k++) {
            PyObject *name = PyTuple_GET_ITEM(names, k);
            PyObject *value = PyDict_GetItemWithError(dict, name);
            if (value == NULL) {
                if (!PyErr_Occurred()) {
                    PyErr_SetObject(PyExc_KeyError, name);
                }
                Py_DECREF(dict);
                goto fail;
            }
            PyList_SET_ITEM(PyList_GET_ITEM(result, k), i, Py_NewRef(value));
        }
        Py_DECREF(dict);
    }
    for (Py_ssize_t k = 0; k < width; k++) {
        PyObject_GC_Track(PyList_GET_ITEM(result, k));
    }
    PyObject_GC_Track(result);
    return result;
fail:
    Py_DECREF(result); /* the unset items of a new list are NULL, which it frees fine */
    return NULL;
}

static PyMethodDef methods[] = {
    {"columns", columns, METH_VARARGS,
     "columns(items, names) -> list[list]: each named field of every item, a list per name."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_field_columns",
    "The values of some fields of many objects, a list per field (see _field_columns.c).", -1,
    methods,
};

PyMODINIT_FUNC PyInit__field_columns(void)
{
    return PyModule_Create(&module);
}
