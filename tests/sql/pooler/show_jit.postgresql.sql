-- Test only: whether the server may JIT-compile this transaction's statements.
SELECT CURRENT_SETTING('jit') AS value;
