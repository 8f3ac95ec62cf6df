// Services log only warnings and errors under test (createService reads KYSO_QUIET).
process.env.KYSO_QUIET = '1';
