/* context-in-struct: a struct or union field that holds a context (containedctx).
 *
 * A context belongs to one call; a field keeps it past that call. Three deliberate shapes are
 * exceptions, each an option that is on by default:
 *  - allow-task-args: a struct whose instances are handed to a spawn as its data argument (C
 *    has no closures, so that is how a thread receives its context; async-capture judges that
 *    flow). The spawn may be in another file than the struct, so the finding is conditional on
 *    the record's USR and every spawn records a "task-arg" fact for the record it is given;
 *    `resolve` keeps the finding only when no unit of the run had such a spawn.
 *  - allow-with-cancel: the struct also holds the context's cancel capability, so it owns the
 *    context's lifetime (a worker).
 *  - allow-carrier: the struct carries the model's carrier annotation (the runtime's macro
 *    expands to annotate("<carrier_marker>")). */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rule.h"
#include "xalloc.h"

#define RULE_ID "context-in-struct"

/* A field judged at the end of the unit, when every typedef naming its record is known. */
typedef struct candidate {
    CXCursor field, rec;
    char *rec_usr;
} candidate;

typedef struct state {
    char **seen; /* USRs of fields already taken: a typedef'd struct is visited twice */
    size_t n_seen;
    candidate *cands;
    size_t n_cands;
    char **model_records; /* USRs of records a typedef gives one of the model's type names */
    size_t n_model_records;
} state;

static const cl_rule_option options[] = {
    {"allow-task-args", true,
     "stay silent for a struct whose instances are handed to a spawn as its argument"},
    {"allow-with-cancel", true,
     "stay silent for a struct that also holds the context's cancel capability"},
    {"allow-carrier", true, "stay silent for a struct marked with the carrier annotation"},
};

static const char *record_word(enum CXCursorKind k)
{
    switch (k) {
    case CXCursor_StructDecl:
        return "struct";
    case CXCursor_UnionDecl:
        return "union";
    case CXCursor_ClassDecl:
    case CXCursor_ClassTemplate:
    case CXCursor_ClassTemplatePartialSpecialization:
        return "class";
    default:
        return NULL;
    }
}

typedef struct record_scan {
    const cl_model *m;
    bool carrier, cancel;
} record_scan;

static enum CXChildVisitResult scan_record(CXCursor c, CXCursor parent, CXClientData d)
{
    (void)parent;
    record_scan *s = d;
    enum CXCursorKind k = clang_getCursorKind(c);
    if (k == CXCursor_AnnotateAttr && s->m->carrier_marker) {
        char buf[256];
        if (strcmp(cl_spelling(c, buf, sizeof buf), s->m->carrier_marker) == 0)
            s->carrier = true;
    } else if (k == CXCursor_FieldDecl && cl_type_is_cancel(s->m, clang_getCursorType(c))) {
        s->cancel = true;
    }
    return CXChildVisit_Continue;
}

/* "struct 'request'", or the typedef name of an anonymous struct ("struct 'task_t'"). */
static void describe_record(CXCursor rec, const char *word, char *buf, size_t size)
{
    char name[256];
    cl_spelling(rec, name, sizeof name);
    if (!name[0] || strchr(name, '(') || strchr(name, ' ')) {
        CXString ts = clang_getTypeSpelling(clang_getCursorType(rec));
        snprintf(name, sizeof name, "%s", clang_getCString(ts) ? clang_getCString(ts) : "");
        clang_disposeString(ts);
    }
    if (name[0] && !strchr(name, '(') && !strchr(name, ' '))
        snprintf(buf, size, "%s '%s'", word, name);
    else
        snprintf(buf, size, "an unnamed %s", word);
}

static bool listed(char **v, size_t n, const char *s)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(v[i], s) == 0)
            return true;
    return false;
}

static void add(char ***v, size_t *n, const char *s)
{
    *v = cl_xrealloc(*v, (*n + 1) * sizeof **v);
    (*v)[(*n)++] = cl_xstrdup(s);
}

/* The context library's own records (the context node, the cancel capability, the key) hold
 * contexts by design. They are named by the model either by tag (`struct ctx`) or by a typedef
 * (`ctx_cancel_t`), which is why fields are judged at the end of the unit. */
static bool model_names(const cl_model *m, CXType t)
{
    return cl_type_is_named(t, m->context_types, m->n_context_types) || cl_type_is_cancel(m, t) ||
           cl_type_is_key(m, t);
}

static void note_typedef(cl_rule_ctx *rc, state *st, CXCursor td)
{
    const cl_model *m = cl_model_of(rc);
    CXType t = clang_getCanonicalType(clang_getTypedefDeclUnderlyingType(td));
    if (t.kind != CXType_Record || !model_names(m, clang_getCursorType(td)))
        return;
    char usr[512];
    if (cl_usr(clang_getTypeDeclaration(t), usr, sizeof usr)[0] &&
        !listed(st->model_records, st->n_model_records, usr))
        add(&st->model_records, &st->n_model_records, usr);
}

static void take_field(cl_rule_ctx *rc, state *st, CXCursor field)
{
    const cl_model *m = cl_model_of(rc);
    if (!cl_type_holds_context(m, clang_getCursorType(field)))
        return;
    CXCursor rec = cl_ancestor(rc, 0);
    if (!record_word(clang_getCursorKind(rec)) || model_names(m, clang_getCursorType(rec)))
        return;
    char usr[512];
    cl_usr(field, usr, sizeof usr);
    if (usr[0]) {
        if (listed(st->seen, st->n_seen, usr))
            return;
        add(&st->seen, &st->n_seen, usr);
    }
    st->cands = cl_xrealloc(st->cands, (st->n_cands + 1) * sizeof *st->cands);
    candidate *cd = &st->cands[st->n_cands++];
    cd->field = field;
    cd->rec = rec;
    cl_usr(rec, usr, sizeof usr);
    cd->rec_usr = cl_xstrdup(usr);
}

static void check_field(cl_rule_ctx *rc, const state *st, const candidate *cd)
{
    const cl_model *m = cl_model_of(rc);
    if (cd->rec_usr[0] && listed(st->model_records, st->n_model_records, cd->rec_usr))
        return;
    record_scan scan = {m, false, false};
    clang_visitChildren(cd->rec, scan_record, &scan);
    if (scan.carrier && cl_option(rc, "allow-carrier"))
        return;
    if (scan.cancel && cl_option(rc, "allow-with-cancel"))
        return;

    char fname[256], where[300], marker[64] = "";
    cl_spelling(cd->field, fname, sizeof fname);
    describe_record(cd->rec, record_word(clang_getCursorKind(cd->rec)), where, sizeof where);
    if (m->carrier_marker) {
        /* The runtime names its carrier macro after the annotation, upper-cased. */
        size_t i = 0;
        for (; m->carrier_marker[i] && i + 1 < sizeof marker; i++)
            marker[i] = (char)toupper((unsigned char)m->carrier_marker[i]);
        marker[i] = '\0';
    }
    static const char fmt[] =
        "field '%s' of %s stores a context, which then outlives the call it belongs to; pass "
        "the context as the first parameter of the functions that need it%s%s%s";
    const char *pre = marker[0] ? " (or mark the struct " : "";
    const char *post = marker[0] ? " if carrying it is deliberate)" : "";
    if (cl_option(rc, "allow-task-args") && cd->rec_usr[0])
        cl_report_if(rc, "not-task-arg", cd->rec_usr, -1, cd->field, fmt, fname, where, pre, marker,
                     post);
    else
        cl_report(rc, cd->field, fmt, fname, where, pre, marker, post);
}

/* Records a "task-arg" fact for the record `t` points to (through typedefs and pointers), and
 * for the records it embeds or points to, since a context one level down travels with it. */
static void note_task_record(cl_rule_ctx *rc, CXType t, int depth);

typedef struct field_walk {
    cl_rule_ctx *rc;
    int depth;
} field_walk;

static enum CXChildVisitResult note_fields(CXCursor c, CXCursor parent, CXClientData d)
{
    (void)parent;
    field_walk *w = d;
    if (clang_getCursorKind(c) == CXCursor_FieldDecl)
        note_task_record(w->rc, clang_getCursorType(c), w->depth);
    return CXChildVisit_Continue;
}

static void note_task_record(cl_rule_ctx *rc, CXType t, int depth)
{
    if (depth > 3)
        return;
    t = clang_getCanonicalType(t);
    while (t.kind == CXType_Pointer || t.kind == CXType_ConstantArray)
        t = clang_getCanonicalType(t.kind == CXType_Pointer ? clang_getPointeeType(t)
                                                            : clang_getArrayElementType(t));
    if (t.kind != CXType_Record)
        return;
    CXCursor decl = clang_getTypeDeclaration(t);
    char usr[512];
    if (!cl_usr(decl, usr, sizeof usr)[0])
        return;
    cl_add_fact(rc, "task-arg", usr, -1, NULL);
    field_walk w = {rc, depth + 1};
    clang_visitChildren(clang_getCursorDefinition(decl), note_fields, &w);
}

static void check_spawn(cl_rule_ctx *rc, CXCursor call)
{
    const cl_api_fn *spawn = cl_call_api(cl_model_of(rc), call, CL_ROLE_SPAWN);
    if (!spawn)
        return;
    CXCursor data = cl_strip_casts(cl_call_arg(call, spawn->data_arg));
    if (clang_Cursor_isNull(data))
        return;
    CXType t = clang_getCursorType(data);
    /* `void *arg = &task; spawn(..., arg)`: the record is the initialiser's. */
    CXCursor var = cl_referenced_decl(data);
    CXType canon = clang_getCanonicalType(t);
    if (clang_getCursorKind(var) == CXCursor_VarDecl && canon.kind == CXType_Pointer &&
        clang_getCanonicalType(clang_getPointeeType(canon)).kind == CXType_Void) {
        unsigned n = cl_num_children(var);
        CXCursor init = n ? cl_child(var, n - 1) : clang_getNullCursor();
        if (!clang_Cursor_isNull(init) && clang_isExpression(clang_getCursorKind(init)))
            t = clang_getCursorType(cl_strip_casts(init));
    }
    note_task_record(rc, t, 0);
}

static void visit(cl_rule_ctx *rc, void *vs, CXCursor c)
{
    switch (clang_getCursorKind(c)) {
    case CXCursor_FieldDecl:
        take_field(rc, vs, c);
        break;
    case CXCursor_TypedefDecl:
        note_typedef(rc, vs, c);
        break;
    default:
        check_spawn(rc, c);
        break;
    }
}

static void end_tu(cl_rule_ctx *rc, void *vs)
{
    state *st = vs;
    for (size_t i = 0; i < st->n_cands; i++) {
        check_field(rc, st, &st->cands[i]);
        free(st->cands[i].rec_usr);
    }
    for (size_t i = 0; i < st->n_seen; i++)
        free(st->seen[i]);
    for (size_t i = 0; i < st->n_model_records; i++)
        free(st->model_records[i]);
    free(st->cands);
    free(st->seen);
    free(st->model_records);
}

/* A struct's finding stands only if no unit handed one of its instances to a spawn. */
static bool resolve(const cl_facts *facts, const char *kind, const char *key, int index)
{
    (void)index;
    if (strcmp(kind, "not-task-arg") != 0)
        return true;
    return !cl_facts_has(facts, RULE_ID, "task-arg", key);
}

static const enum CXCursorKind kinds[] = {CXCursor_FieldDecl, CXCursor_TypedefDecl,
                                          CXCursor_CallExpr};

const cl_rule cl_rule_context_in_struct = {
    .id = RULE_ID,
    .summary = "A struct or union field that stores a context.",
    .severity = CL_SEV_WARNING,
    .kinds = kinds,
    .n_kinds = CL_COUNT(kinds),
    .state_size = sizeof(state),
    .visit = visit,
    .end_tu = end_tu,
    .resolve = resolve,
    .options = options,
    .n_options = CL_COUNT(options),
};
