// NOLINT
int a; // NOLINT(nil-context)
// NOLINTNEXTLINE(async-*)
/* NOLINTBEGIN(x) */
char *s = "// NOLINT";
// NOLINTEND(x)
