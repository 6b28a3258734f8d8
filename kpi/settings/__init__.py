"""Settings an administrator changes: accounts, register, reference tables, audit."""
