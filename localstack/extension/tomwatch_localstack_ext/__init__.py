"""LocalStack providers for services that only LocalStack Pro ships, backed by the bundled moto."""
