"""Operations: the commands that run and measure a deployment (scheduler, benchmarks). An interface over the
domain apps, like api and web: it may import any of them, and no domain app imports it."""
