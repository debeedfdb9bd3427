/* Rows of records as indented JSON text, compiled: the action rows of a big schedule.
 *
 * rows_utf8(records, keys, indent, level) -> bytes | None
 *   As UTF-8, the text ``json.dumps([dict(zip(keys, r)) for r in records], indent=indent,
 *   ensure_ascii=False)`` gives, as it stands ``level`` levels deep in a document (every line
 *   after the first indented by ``indent * level`` more spaces), character for character.
 *   ``records`` is a list of tuples (named tuples too) as long as ``keys``; a value may be None,
 *   a bool, an int, a str, a ``datetime.date`` (written as its isoformat, in quotes) or a list or
 *   tuple of those. None when a value is anything else (a float, a dict, a datetime), a text
 *   holds a lone surrogate (no UTF-8), or a record is not such a tuple: the caller then writes
 *   the rows itself. Keys that repeat are refused too (json.dumps would keep the last value).
 *   The bytes are those the text was written into (no copy): a caller writes them to a file
 *   as they are, or decodes them.
 *
 * Only exact types are accepted (no Python code runs while the records are read), and the
 * tests compare the text with json.dumps on random records.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <datetime.h>
#include <string.h>

/* Text written into a bytes object (resized as it grows, then to its size): UTF-8 to return
 * as it is, or to decode. */
typedef struct {
    PyObject *bytes;
    char *data;
    Py_ssize_t size;
    Py_ssize_t capacity;
} Buffer;

/* 0 on success, -1 with MemoryError set. */
static int reserve(Buffer *buffer, Py_ssize_t more)
{
    if (buffer->size + more <= buffer->capacity) {
        return 0;
    }
    Py_ssize_t capacity = buffer->capacity ? buffer->capacity : 4096;
    while (capacity < buffer->size + more) {
        if (capacity > PY_SSIZE_T_MAX / 2) {
            PyErr_NoMemory();
            return -1;
        }
        capacity *= 2;
    }
    if (buffer->bytes == NULL) {
        buffer->bytes = PyBytes_FromStringAndSize(NULL, capacity);
    }
    else if (_PyBytes_Resize(&buffer->bytes, capacity) < 0) { /* frees it, sets NULL */
        buffer->data = NULL;
        buffer->size = buffer->capacity = 0;
        return -1;
    }
    if (buffer->bytes == NULL) {
        return -1;
    }
    buffer->data = PyBytes_AS_STRING(buffer->bytes);
    buffer->capacity = capacity;
    return 0;
}

/* The text written, as bytes of its size (the buffer is left empty), or NULL (error set). */
static PyObject *written(Buffer *buffer)
{
    if (buffer->bytes == NULL) {
        return PyBytes_FromStringAndSize(NULL, 0);
    }
    if (_PyBytes_Resize(&buffer->bytes, buffer->size) < 0) {
        buffer->bytes = NULL;
        return NULL;
    }
    PyObject *text = buffer->bytes;
    buffer->bytes = NULL;
    buffer->data = NULL;
    buffer->size = buffer->capacity = 0;
    return text;
}

static int put(Buffer *buffer, const char *text, Py_ssize_t length)
{
    if (reserve(buffer, length) < 0) {
        return -1;
    }
    memcpy(buffer->data + buffer->size, text, (size_t)length);
    buffer->size += length;
    return 0;
}

/* A newline and the indent of ``depth`` levels. */
static int new_line(Buffer *buffer, Py_ssize_t indent, Py_ssize_t depth)
{
    Py_ssize_t spaces = indent * depth;
    if (reserve(buffer, spaces + 1) < 0) {
        return -1;
    }
    buffer->data[buffer->size++] = '\n';
    memset(buffer->data + buffer->size, ' ', (size_t)spaces);
    buffer->size += spaces;
    return 0;
}

#define NOT_WRITABLE 1 /* a value json.dumps would write differently, or not as UTF-8 */

/* The ``length`` UTF-8 bytes at ``utf8`` in quotes, escaped as json.dumps(ensure_ascii=False)
 * escapes them. 0 or -1 (error set). */
static int put_utf8(Buffer *buffer, const char *utf8, Py_ssize_t length)
{
    /* at most 6 bytes a byte (\u00XX) and the quotes */
    if (length > (PY_SSIZE_T_MAX - 2) / 6 || reserve(buffer, 6 * length + 2) < 0) {
        if (!PyErr_Occurred()) {
            PyErr_NoMemory();
        }
        return -1;
    }
    static const char hex[] = "0123456789abcdef";
    char *out = buffer->data + buffer->size;
    *out++ = '"';
    for (Py_ssize_t i = 0; i < length; i++) {
        unsigned char c = (unsigned char)utf8[i];
        if (c >= 0x20 && c != '"' && c != '\\') {
            *out++ = (char)c;
            continue;
        }
        *out++ = '\\';
        switch (c) {
        case '"': *out++ = '"'; break;
        case '\\': *out++ = '\\'; break;
        case '\n': *out++ = 'n'; break;
        case '\r': *out++ = 'r'; break;
        case '\t': *out++ = 't'; break;
        case '\b': *out++ = 'b'; break;
        case '\f': *out++ = 'f'; break;
        default:
            *out++ = 'u';
            *out++ = '0';
            *out++ = '0';
            *out++ = hex[c >> 4];
            *out++ = hex[c & 0xF];
        }
    }
    *out++ = '"';
    buffer->size = out - buffer->data;
    return 0;
}

/* ``text`` in quotes, escaped as json.dumps(ensure_ascii=False) escapes it. 0, -1 (error set)
 * or NOT_WRITABLE. ASCII text is read in place; other text is encoded into a temporary copy
 * (PyUnicode_AsUTF8AndSize would keep that copy on the string for as long as it lives). */
static int put_text(Buffer *buffer, PyObject *text)
{
    if (PyUnicode_IS_COMPACT_ASCII(text)) {
        return put_utf8(buffer, (const char *)PyUnicode_1BYTE_DATA(text),
                        PyUnicode_GET_LENGTH(text));
    }
    PyObject *encoded = PyUnicode_AsUTF8String(text);
    if (encoded == NULL) {
        if (PyErr_ExceptionMatches(PyExc_UnicodeEncodeError)) {
            PyErr_Clear();
            return NOT_WRITABLE;
        }
        return -1;
    }
    int status = put_utf8(buffer, PyBytes_AS_STRING(encoded), PyBytes_GET_SIZE(encoded));
    Py_DECREF(encoded);
    return status;
}

static int put_value(Buffer *buffer, PyObject *value, Py_ssize_t indent, Py_ssize_t depth);

/* A list or tuple, as json.dumps writes a list ``depth`` levels deep. */
static int put_list(Buffer *buffer, PyObject *items, Py_ssize_t indent, Py_ssize_t depth)
{
    Py_ssize_t count = PySequence_Fast_GET_SIZE(items);
    if (count == 0) {
        return put(buffer, "[]", 2);
    }
    if (put(buffer, "[", 1) < 0) {
        return -1;
    }
    PyObject **item = PySequence_Fast_ITEMS(items);
    for (Py_ssize_t i = 0; i < count; i++) {
        if ((i && put(buffer, ",", 1) < 0) || new_line(buffer, indent, depth + 1) < 0) {
            return -1;
        }
        int status = put_value(buffer, item[i], indent, depth + 1);
        if (status) {
            return status;
        }
    }
    if (new_line(buffer, indent, depth) < 0) {
        return -1;
    }
    return put(buffer, "]", 1);
}

/* A whole number in decimal. */
static int put_whole(Buffer *buffer, long long whole)
{
    char digits[24];
    int at = sizeof digits;
    unsigned long long magnitude = whole < 0 ? 0ULL - (unsigned long long)whole
                                             : (unsigned long long)whole;
    do {
        digits[--at] = (char)('0' + magnitude % 10);
        magnitude /= 10;
    } while (magnitude);
    if (whole < 0) {
        digits[--at] = '-';
    }
    return put(buffer, digits + at, (Py_ssize_t)sizeof digits - at);
}

static int put_value(Buffer *buffer, PyObject *value, Py_ssize_t indent, Py_ssize_t depth)
{
    if (value == Py_None) {
        return put(buffer, "null", 4);
    }
    if (value == Py_True) {
        return put(buffer, "true", 4);
    }
    if (value == Py_False) {
        return put(buffer, "false", 5);
    }
    if (PyUnicode_CheckExact(value)) {
        return put_text(buffer, value);
    }
    if (PyLong_CheckExact(value)) {
        int overflow;
        long long whole = PyLong_AsLongLongAndOverflow(value, &overflow);
        if (overflow) {
            return NOT_WRITABLE;
        }
        if (whole == -1 && PyErr_Occurred()) {
            return -1;
        }
        return put_whole(buffer, whole);
    }
    if (PyDate_CheckExact(value)) {
        if (reserve(buffer, 12) < 0) {
            return -1;
        }
        char *out = buffer->data + buffer->size;
        int year = PyDateTime_GET_YEAR(value), month = PyDateTime_GET_MONTH(value);
        int day = PyDateTime_GET_DAY(value);
        out[0] = '"';
        out[1] = (char)('0' + year / 1000);
        out[2] = (char)('0' + year / 100 % 10);
        out[3] = (char)('0' + year / 10 % 10);
        out[4] = (char)('0' + year % 10);
        out[5] = '-';
        out[6] = (char)('0' + month / 10);
        out[7] = (char)('0' + month % 10);
        out[8] = '-';
        out[9] = (char)('0' + day / 10);
        out[10] = (char)('0' + day % 10);
        out[11] = '"';
        buffer->size += 12;
        return 0;
    }
    if (PyList_CheckExact(value) || PyTuple_CheckExact(value)) {
        if (Py_EnterRecursiveCall(" while writing JSON rows")) {
            return -1;
        }
        int status = put_list(buffer, value, indent, depth);
        Py_LeaveRecursiveCall();
        return status;
    }
    return NOT_WRITABLE;
}

/* One record as a JSON object ``depth`` levels deep; ``keys`` are written already. */
static int put_record(Buffer *buffer, PyObject *record, PyObject **keys, Py_ssize_t key_count,
                      Py_ssize_t indent, Py_ssize_t depth)
{
    /* a tuple, or a named tuple: a subclass that iterates otherwise would zip otherwise */
    if (!PyTuple_Check(record) || Py_TYPE(record)->tp_iter != PyTuple_Type.tp_iter
            || PyTuple_GET_SIZE(record) != key_count) {
        return NOT_WRITABLE;
    }
    if (put(buffer, "{", 1) < 0) {
        return -1;
    }
    for (Py_ssize_t k = 0; k < key_count; k++) {
        if ((k && put(buffer, ",", 1) < 0) || new_line(buffer, indent, depth + 1) < 0) {
            return -1;
        }
        Py_ssize_t length;
        const char *key = PyBytes_AS_STRING(keys[k]);
        length = PyBytes_GET_SIZE(keys[k]);
        if (put(buffer, key, length) < 0) {
            return -1;
        }
        int status = put_value(buffer, PyTuple_GET_ITEM(record, k), indent, depth + 1);
        if (status) {
            return status;
        }
    }
    if (new_line(buffer, indent, depth) < 0) {
        return -1;
    }
    return put(buffer, "}", 1);
}

static PyObject *rows_utf8(PyObject *module, PyObject *args)
{
    PyObject *records, *key_names;
    Py_ssize_t indent, level;
    if (!PyArg_ParseTuple(args, "O!O!nn", &PyList_Type, &records, &PyTuple_Type, &key_names,
                          &indent, &level)) {
        return NULL;
    }
    if (indent < 0 || level < 0 || indent > 64 || level > 64) {
        PyErr_SetString(PyExc_ValueError, "indent and level must be from 0 to 64");
        return NULL;
    }
    Py_ssize_t key_count = PyTuple_GET_SIZE(key_names);
    if (key_count == 0) {
        PyErr_SetString(PyExc_ValueError, "keys must not be empty");
        return NULL;
    }
    PyObject *result = NULL;
    Buffer buffer = {NULL, NULL, 0, 0};
    /* Each key, quoted and escaped, with ': ' after it. */
    PyObject **keys = PyMem_Calloc((size_t)key_count, sizeof(PyObject *));
    if (keys == NULL) {
        return PyErr_NoMemory();
    }
    int status = 0;
    for (Py_ssize_t k = 0; k < key_count && status == 0; k++) {
        PyObject *name = PyTuple_GET_ITEM(key_names, k);
        if (!PyUnicode_CheckExact(name)) {
            PyErr_SetString(PyExc_TypeError, "keys must be str");
            goto done;
        }
        for (Py_ssize_t j = 0; j < k; j++) { /* strs compared: no Python code runs */
            if (PyUnicode_Compare(name, PyTuple_GET_ITEM(key_names, j)) == 0) {
                status = NOT_WRITABLE;
            }
        }
        if (status) {
            break;
        }
        status = put_text(&buffer, name);
        if (status == 0 && put(&buffer, ": ", 2) < 0) {
            status = -1;
        }
        if (status == 0) {
            keys[k] = PyBytes_FromStringAndSize(buffer.data, buffer.size);
            if (keys[k] == NULL) {
                goto done;
            }
        }
        buffer.size = 0;
    }
    if (status < 0) {
        goto done;
    }
    if (status == NOT_WRITABLE) {
        result = Py_NewRef(Py_None);
        goto done;
    }
    Py_ssize_t count = PyList_GET_SIZE(records);
    if (count == 0) {
        result = PyBytes_FromString("[]");
        goto done;
    }
    /* about what a schedule's row takes, to grow the buffer less often (at most 64 MiB ahead) */
    if (reserve(&buffer, count < ((Py_ssize_t)1 << 17) ? count * 512 : (Py_ssize_t)1 << 26) < 0
            || put(&buffer, "[", 1) < 0) {
        goto done;
    }
    /* The list is not changed meanwhile: no Python code runs in this loop. */
    for (Py_ssize_t i = 0; i < count; i++) {
        if ((i && put(&buffer, ",", 1) < 0) || new_line(&buffer, indent, level + 1) < 0) {
            goto done;
        }
        status = put_record(&buffer, PyList_GET_ITEM(records, i), keys, key_count, indent,
                            level + 1);
        if (status < 0) {
            goto done;
        }
        if (status == NOT_WRITABLE) {
            result = Py_NewRef(Py_None);
            goto done;
        }
    }
    if (new_line(&buffer, indent, level) < 0 || put(&buffer, "]", 1) < 0) {
        goto done;
    }
    result = written(&buffer);
done:
    for (Py_ssize_t k = 0; k < key_count; k++) {
        Py_XDECREF(keys[k]);
    }
    PyMem_Free(keys);
    Py_XDECREF(buffer.bytes);
    return result;
}

static PyMethodDef methods[] = {
    {"rows_utf8", rows_utf8, METH_VARARGS,
     "rows_utf8(records, keys, indent, level) -> bytes | None: records as json.dumps writes "
     "them, in UTF-8."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_json_rows",
    "Rows of records as indented JSON text (see _json_rows.c).", -1, methods,
};

PyMODINIT_FUNC PyInit__json_rows(void)
{
    PyDateTime_IMPORT;
    if (PyDateTimeAPI == NULL) {
        return NULL;
    }
    return PyModule_Create(&module);
}
