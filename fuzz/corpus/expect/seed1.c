// expect: nil-context "NULL passed"
int x; // expect@+1: async-capture
int y;
// expect-no-diagnostics
