/* Plain actions built from plan data, compiled: what pydantic-core would build, without its
 * per-field machinery (100,000 actions in about a third of the time: 0.16 against 0.44 s).
 *
 * build(cls, rows, fields, collect=()) -> (list, list[int], columns)
 *   ``rows`` is a tuple of the actions as plan data; ``fields`` a tuple with one spec per model
 *   field, in the model's order: ``(name, kind, required, nullable, distinct, default, factory,
 *   low, high, choices)``. Each row that is a dict whose keys are all fields, and whose values
 *   all pass their spec exactly, becomes an instance of ``cls``: its ``__dict__`` holds every
 *   field in order (the value given, else the default, else a new ``factory()``),
 *   ``__pydantic_fields_set__`` the names given, ``__pydantic_extra__`` and
 *   ``__pydantic_private__`` None, as pydantic-core leaves a model without extras or private
 *   attributes. Every other row is left to the models: its place in the list is None and its
 *   index is in the second list. ``collect`` holds field numbers (places in ``fields``): for
 *   each, ``columns`` holds a tuple of that field's value in every instance, in row order (the
 *   objects the instances hold), when every row became an instance; else ``columns`` is None.
 *
 * Kinds (``backplan.models.fast`` derives them from the model's own schema, and the tests
 * compare every result with the model's):
 *   0 NEVER_GIVEN  a row that gives it is left to the models
 *   1 ID      str, printable ASCII, no space at either end
 *   2 TEXT    str
 *   3 INT     int (not bool), low..high
 *   4 CHOICE  str, equal to one of ``choices`` (the value given is kept)
 *   5 IDS     list or tuple of ID, kept as a tuple; with ``distinct``, no id twice
 * Only exact types are taken (a subclass, or a value pydantic would convert, is the models'
 * to judge). ``nullable`` also takes None.
 *
 * Python code may run while building (a collection triggered by an allocation runs
 * finalizers, a factory is called): so each row's values are read and checked, and held,
 * before anything is allocated for it; a row's ``after`` list is copied into a tuple before
 * its ids are checked; and the rows come as a tuple, which no code can change.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

enum { NEVER_GIVEN = 0, ID = 1, TEXT = 2, INT = 3, CHOICE = 4, IDS = 5 };

typedef struct {
    PyObject *name;     /* borrowed from the spec tuple */
    int kind, required, nullable, distinct;
    PyObject *fallback; /* the default (when there is no factory) */
    PyObject *factory;  /* called for each row that does not give the field, or NULL */
    long long low, high;
    PyObject *choices;  /* tuple of str, for CHOICE */
} Field;

static PyObject *FIELDS_SET, *EXTRA, *PRIVATE, *EMPTY;

/* Whether ``value`` is an id the plain schema takes. Its hash is computed while its text is
 * at hand: every id is looked up by the checks and the scheduler, and a str caches its hash
 * (computed here, with the text in the processor's cache, it is cheaper than at the first
 * lookup). */
static int is_id(PyObject *value)
{
    if (!PyUnicode_CheckExact(value) || !PyUnicode_IS_ASCII(value)) {
        return 0;
    }
    Py_ssize_t length = PyUnicode_GET_LENGTH(value);
    const Py_UCS1 *text = PyUnicode_1BYTE_DATA(value);
    if (length == 0 || text[0] == ' ' || text[length - 1] == ' ') {
        return 0;
    }
    for (Py_ssize_t i = 0; i < length; i++) {
        if (text[i] < 0x20 || text[i] > 0x7e) {
            return 0;
        }
    }
    (void)PyObject_Hash(value); /* an exact str: no Python code, no failure */
    return 1;
}

/* The ids of ``value`` (a list or tuple) as a new tuple when they pass, NULL with no error set
 * when they do not, NULL with an error set when out of memory. */
static PyObject *ids_tuple(PyObject *value, int distinct)
{
    PyObject *ids;
    if (PyTuple_CheckExact(value)) {
        ids = Py_NewRef(value);
    }
    else if (PyList_CheckExact(value)) {
        ids = PyList_AsTuple(value);
        if (ids == NULL) {
            return NULL;
        }
    }
    else {
        return NULL;
    }
    Py_ssize_t count = PyTuple_GET_SIZE(ids);
    /* Exact ASCII strs: comparing or hashing them runs no Python code. The few predecessors an
     * action usually has are compared pairwise; a long list goes through a set (linear). */
    int pairwise = distinct && count <= 16;
    for (Py_ssize_t i = 0; i < count; i++) {
        PyObject *id = PyTuple_GET_ITEM(ids, i);
        if (!is_id(id)) {
            Py_DECREF(ids);
            return NULL;
        }
        for (Py_ssize_t j = 0; pairwise && j < i; j++) {
            PyObject *other = PyTuple_GET_ITEM(ids, j);
            if (PyUnicode_GET_LENGTH(other) == PyUnicode_GET_LENGTH(id)
                    && memcmp(PyUnicode_1BYTE_DATA(other), PyUnicode_1BYTE_DATA(id),
                              (size_t)PyUnicode_GET_LENGTH(id)) == 0) {
                Py_DECREF(ids);
                return NULL;
            }
        }
    }
    if (distinct && !pairwise) {
        PyObject *seen = PySet_New(ids);
        if (seen == NULL) {
            Py_DECREF(ids);
            return NULL; /* out of memory: the error is set */
        }
        Py_ssize_t unique = PySet_GET_SIZE(seen);
        Py_DECREF(seen);
        if (unique != count) {
            Py_DECREF(ids);
            return NULL;
        }
    }
    return ids;
}

/* The value to keep for ``value`` given for ``field``: a new reference when it passes, NULL
 * with no error set when it does not, NULL with an error set on failure. */
static PyObject *accepted(const Field *field, PyObject *value)
{
    if (value == Py_None) {
        return field->nullable ? Py_NewRef(value) : NULL;
    }
    switch (field->kind) {
    case ID:
        return is_id(value) ? Py_NewRef(value) : NULL;
    case TEXT:
        return PyUnicode_CheckExact(value) ? Py_NewRef(value) : NULL;
    case INT: {
        if (!PyLong_CheckExact(value)) {
            return NULL;
        }
        int overflow = 0;
        long long number = PyLong_AsLongLongAndOverflow(value, &overflow);
        if (number == -1 && PyErr_Occurred()) {
            return NULL;
        }
        return overflow == 0 && number >= field->low && number <= field->high
            ? Py_NewRef(value) : NULL;
    }
    case CHOICE: {
        if (!PyUnicode_CheckExact(value)) {
            return NULL;
        }
        for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(field->choices); i++) {
            if (PyUnicode_Compare(value, PyTuple_GET_ITEM(field->choices, i)) == 0) {
                return Py_NewRef(value);
            }
        }
        return NULL;
    }
    case IDS:
        return ids_tuple(value, field->distinct);
    default:
        return NULL;
    }
}

static int read_spec(PyObject *spec, Field *field)
{
    if (!PyTuple_Check(spec) || PyTuple_GET_SIZE(spec) != 10) {
        PyErr_SetString(PyExc_TypeError, "each field spec is a tuple of 10");
        return -1;
    }
    field->name = PyTuple_GET_ITEM(spec, 0);
    if (!PyUnicode_CheckExact(field->name)) {
        PyErr_SetString(PyExc_TypeError, "a field name must be str");
        return -1;
    }
    field->kind = (int)PyLong_AsLong(PyTuple_GET_ITEM(spec, 1));
    field->required = PyObject_IsTrue(PyTuple_GET_ITEM(spec, 2));
    field->nullable = PyObject_IsTrue(PyTuple_GET_ITEM(spec, 3));
    field->distinct = PyObject_IsTrue(PyTuple_GET_ITEM(spec, 4));
    field->fallback = PyTuple_GET_ITEM(spec, 5);
    field->factory = PyTuple_GET_ITEM(spec, 6);
    field->low = PyLong_AsLongLong(PyTuple_GET_ITEM(spec, 7));
    field->high = PyLong_AsLongLong(PyTuple_GET_ITEM(spec, 8));
    field->choices = PyTuple_GET_ITEM(spec, 9);
    if (PyErr_Occurred()) {
        return -1;
    }
    if (field->kind < NEVER_GIVEN || field->kind > IDS || !PyTuple_Check(field->choices)) {
        PyErr_SetString(PyExc_ValueError, "unknown field kind");
        return -1;
    }
    if (field->factory == Py_None) {
        field->factory = NULL;
    }
    return 0;
}

/* Read and check one row into ``values`` (new references, one per field). 1 when the row is
 * plain, 0 when it is left to the models, -1 on error. Allocates nothing before every value is
 * held, except the tuple of an ``after`` list. */
static int read_row(PyObject *row, const Field *fields, Py_ssize_t width, PyObject **values,
                    unsigned char *given)
{
    if (!PyDict_CheckExact(row) || PyDict_GET_SIZE(row) > width) {
        return 0;
    }
    /* Keys of another type are the models' to refuse; and with str keys only, looking a field
     * up compares strs (no __eq__ of another type runs). */
    Py_ssize_t position = 0;
    PyObject *key, *item;
    while (PyDict_Next(row, &position, &key, &item)) {
        if (!PyUnicode_CheckExact(key)) {
            return 0;
        }
    }
    Py_ssize_t found = 0;
    int status = -1; /* on the way out through ``fail``; ``refuse`` sets 0 */
    for (Py_ssize_t k = 0; k < width; k++) {
        values[k] = NULL;
        given[k] = 0;
    }
    for (Py_ssize_t k = 0; k < width; k++) {
        const Field *field = &fields[k];
        PyObject *value = PyDict_GetItemWithError(row, field->name);
        if (value == NULL) {
            if (PyErr_Occurred()) {
                goto fail;
            }
            if (field->required) {
                goto refuse;
            }
            continue;
        }
        found++;
        if (field->kind == NEVER_GIVEN) {
            goto refuse;
        }
        Py_INCREF(value); /* held while a tuple of ids is allocated */
        PyObject *kept = accepted(field, value);
        Py_DECREF(value);
        if (kept == NULL) {
            if (PyErr_Occurred()) {
                goto fail;
            }
            goto refuse;
        }
        values[k] = kept;
        given[k] = 1;
    }
    if (found != PyDict_GET_SIZE(row)) { /* a key that is no field (or changed meanwhile) */
        goto refuse;
    }
    return 1;
refuse:
    status = 0;
fail:
    for (Py_ssize_t k = 0; k < width; k++) {
        Py_CLEAR(values[k]);
    }
    return status;
}

/* The instance of ``cls`` holding ``values`` (stolen, all of them, also on failure); on
 * success, a new reference to the value of each field ``wanted`` goes to ``kept``. */
static PyObject *instance(PyTypeObject *cls, const Field *fields, Py_ssize_t width,
                          PyObject **values, const unsigned char *given,
                          const unsigned char *wanted, PyObject **kept)
{
    PyObject *object = NULL, *dict = NULL, *fields_set = NULL;
    for (Py_ssize_t k = 0; k < width; k++) {
        if (values[k] == NULL) {
            values[k] = fields[k].factory != NULL ? PyObject_CallNoArgs(fields[k].factory)
                                                  : Py_NewRef(fields[k].fallback);
            if (values[k] == NULL) {
                goto done;
            }
        }
    }
    object = PyBaseObject_Type.tp_new(cls, EMPTY, NULL); /* object.__new__(cls) */
    if (object == NULL) {
        goto done;
    }
    dict = PyObject_GenericGetDict(object, NULL);
    fields_set = PySet_New(NULL);
    if (dict == NULL || fields_set == NULL) {
        goto fail;
    }
    for (Py_ssize_t k = 0; k < width; k++) {
        if (PyDict_SetItem(dict, fields[k].name, values[k]) < 0
                || (given[k] && PySet_Add(fields_set, fields[k].name) < 0)) {
            goto fail;
        }
    }
    if (PyObject_GenericSetAttr(object, FIELDS_SET, fields_set) < 0
            || PyObject_GenericSetAttr(object, EXTRA, Py_None) < 0
            || PyObject_GenericSetAttr(object, PRIVATE, Py_None) < 0) {
        goto fail;
    }
    for (Py_ssize_t k = 0; k < width; k++) {
        if (wanted[k]) {
            kept[k] = Py_NewRef(values[k]);
        }
    }
    goto done;
fail:
    Py_CLEAR(object);
done:
    Py_XDECREF(dict);
    Py_XDECREF(fields_set);
    for (Py_ssize_t k = 0; k < width; k++) {
        Py_CLEAR(values[k]);
    }
    return object;
}

/* Let instances of ``cls`` share one table of the field names, in order, among their
 * dictionaries (a third of the memory of a dictionary of its own: 100,000 actions take 55 MB
 * less). The table grows only when an attribute is set on a new instance, so one is set on a
 * throwaway instance here. Where the interpreter does not share keys, or the table already
 * holds other names, the dictionaries are ordinary ones: the same values, in the same order. */
static int share_keys(PyTypeObject *cls, const Field *fields, Py_ssize_t width)
{
    PyObject *object = PyBaseObject_Type.tp_new(cls, EMPTY, NULL);
    if (object == NULL) {
        return -1;
    }
    for (Py_ssize_t k = 0; k < width; k++) {
        if (PyObject_GenericSetAttr(object, fields[k].name, Py_None) < 0) {
            Py_DECREF(object);
            return -1;
        }
    }
    Py_DECREF(object);
    return 0;
}

static PyObject *build(PyObject *module, PyObject *args)
{
    PyTypeObject *cls;
    PyObject *rows, *specs, *collect = NULL;
    if (!PyArg_ParseTuple(args, "O!O!O!|O!", &PyType_Type, &cls, &PyTuple_Type, &rows,
                          &PyTuple_Type, &specs, &PyTuple_Type, &collect)) {
        return NULL;
    }
    if (cls->tp_new != PyBaseObject_Type.tp_new || cls->tp_dictoffset == 0) {
        PyErr_SetString(PyExc_TypeError,
                        "cls must be made by object.__new__ and keep an instance dictionary");
        return NULL;
    }
    Py_ssize_t width = PyTuple_GET_SIZE(specs), count = PyTuple_GET_SIZE(rows);
    Py_ssize_t n_columns = collect != NULL ? PyTuple_GET_SIZE(collect) : 0;
    Field *fields = PyMem_New(Field, width > 0 ? width : 1);
    PyObject **values = PyMem_New(PyObject *, width > 0 ? width : 1);
    PyObject **kept = PyMem_Calloc(width > 0 ? (size_t)width : 1, sizeof(PyObject *));
    unsigned char *given = PyMem_Malloc(width > 0 ? (size_t)width : 1);
    unsigned char *wanted = PyMem_Calloc(width > 0 ? (size_t)width : 1, 1);
    Py_ssize_t *column_field = PyMem_New(Py_ssize_t, n_columns > 0 ? n_columns : 1);
    PyObject *built = NULL, *others = NULL, *result = NULL, *columns = NULL;
    if (fields == NULL || values == NULL || kept == NULL || given == NULL || wanted == NULL
            || column_field == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    for (Py_ssize_t k = 0; k < width; k++) {
        if (read_spec(PyTuple_GET_ITEM(specs, k), &fields[k]) < 0) {
            goto done;
        }
    }
    for (Py_ssize_t c = 0; c < n_columns; c++) {
        PyObject *number = PyTuple_GET_ITEM(collect, c);
        Py_ssize_t k = PyLong_CheckExact(number) ? PyLong_AsSsize_t(number) : -1;
        if (k < 0 || k >= width) {
            if (!PyErr_Occurred()) {
                PyErr_SetString(PyExc_ValueError, "collect must hold field numbers");
            }
            goto done;
        }
        column_field[c] = k;
        wanted[k] = 1;
    }
    /* Filled while Python code may run, as ``built``: untracked until then (an empty tuple is
     * the shared one, never tracked). */
    columns = PyTuple_New(n_columns);
    if (columns == NULL) {
        goto done;
    }
    if (n_columns > 0) {
        PyObject_GC_UnTrack(columns);
    }
    for (Py_ssize_t c = 0; c < n_columns; c++) {
        PyObject *column = PyTuple_New(count);
        if (column == NULL) {
            goto done;
        }
        if (count > 0) {
            PyObject_GC_UnTrack(column);
        }
        PyTuple_SET_ITEM(columns, c, column);
    }
    int all_built = 1;
    if (count > 0 && share_keys(cls, fields, width) < 0) {
        goto done;
    }
    built = PyList_New(count);
    others = PyList_New(0);
    if (built == NULL || others == NULL) {
        goto done;
    }
    /* Filled while Python code may run: until then the garbage collector does not track it,
     * so that no code can find its empty slots. */
    PyObject_GC_UnTrack(built);
    for (Py_ssize_t i = 0; i < count; i++) {
        PyObject *item;
        int plain = read_row(PyTuple_GET_ITEM(rows, i), fields, width, values, given);
        if (plain < 0) {
            goto done;
        }
        if (plain) {
            item = instance(cls, fields, width, values, given, wanted, kept);
            if (item == NULL) {
                goto done;
            }
            for (Py_ssize_t c = 0; c < n_columns; c++) {
                PyTuple_SET_ITEM(PyTuple_GET_ITEM(columns, c), i,
                                 Py_NewRef(kept[column_field[c]]));
            }
            for (Py_ssize_t k = 0; k < width; k++) {
                Py_CLEAR(kept[k]);
            }
        }
        else {
            all_built = 0;
            for (Py_ssize_t c = 0; c < n_columns; c++) {
                PyTuple_SET_ITEM(PyTuple_GET_ITEM(columns, c), i, Py_NewRef(Py_None));
            }
            PyObject *index = PyLong_FromSsize_t(i);
            if (index == NULL || PyList_Append(others, index) < 0) {
                Py_XDECREF(index);
                goto done;
            }
            Py_DECREF(index);
            item = Py_NewRef(Py_None);
        }
        PyList_SET_ITEM(built, i, item); /* replaces the NULL PyList_New left */
    }
    PyObject_GC_Track(built);
    for (Py_ssize_t c = 0; c < n_columns && count > 0; c++) {
        PyObject_GC_Track(PyTuple_GET_ITEM(columns, c));
    }
    if (n_columns > 0) {
        PyObject_GC_Track(columns);
    }
    result = PyTuple_Pack(3, built, others, all_built ? columns : Py_None);
done:
    Py_XDECREF(built);
    Py_XDECREF(others);
    Py_XDECREF(columns); /* untracked or not, with empty slots or not: freed as a tuple */
    if (kept != NULL) {
        for (Py_ssize_t k = 0; k < width; k++) {
            Py_XDECREF(kept[k]);
        }
    }
    PyMem_Free(fields);
    PyMem_Free(values);
    PyMem_Free(kept);
    PyMem_Free(given);
    PyMem_Free(wanted);
    PyMem_Free(column_field);
    return result;
}

static PyMethodDef methods[] = {
    {"build", build, METH_VARARGS,
     "build(cls, rows, fields) -> (list, list[int]): plain rows as instances, the rest left "
     "as None with their indices."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module_def = {
    PyModuleDef_HEAD_INIT, "_plain_actions",
    "Plain actions built from plan data (see backplan.models.fast).", -1, methods,
};

PyMODINIT_FUNC PyInit__plain_actions(void)
{
    FIELDS_SET = PyUnicode_InternFromString("__pydantic_fields_set__");
    EXTRA = PyUnicode_InternFromString("__pydantic_extra__");
    PRIVATE = PyUnicode_InternFromString("__pydantic_private__");
    EMPTY = PyTuple_New(0);
    if (FIELDS_SET == NULL || EXTRA == NULL || PRIVATE == NULL || EMPTY == NULL) {
        return NULL;
    }
    return PyModule_Create(&module_def);
}
