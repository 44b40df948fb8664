"""Exercise primes_on_cluster: take find_primes_parallel to a Dask cluster whose address is on the command line."""
