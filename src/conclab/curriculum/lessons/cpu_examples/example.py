"""Five CPU-bound jobs, each split into independent tasks and mapped over a Pool.

Every function here takes one argument and returns a small result, because a
pool pickles the argument on the way in and the result on the way out.
Run it on its own:
    python -m conclab.curriculum.lessons.cpu_examples.example
"""

import math
import multiprocessing
import random
import time


def fib(n):
    """Recursive Fibonacci: exponential work from one small number."""
    return n if n < 2 else fib(n - 1) + fib(n - 2)


def fibonacci(n):
    """One pool task: the n-th Fibonacci number (``fib`` calls itself; this is the entry point)."""
    return fib(n)


def count_primes(bounds):
    """How many primes lie in [low, high): trial division, pure CPU."""
    low, high = bounds
    count = 0
    for n in range(max(low, 2), high):
        if all(n % d for d in range(2, math.isqrt(n) + 1)):
            count += 1
    return count


def blur_image(seed, size=64):
    """A simulated image: random grey pixels, blurred with a 3x3 box filter; returns the mean."""
    rng = random.Random(seed)
    pixels = [[rng.randrange(256) for _ in range(size)] for _ in range(size)]
    total = 0
    for y in range(1, size - 1):
        for x in range(1, size - 1):
            total += sum(pixels[y + dy][x + dx] for dy in (-1, 0, 1) for dx in (-1, 0, 1)) // 9
    return total / (size - 2) ** 2


def chunk_stats(bounds):
    """Statistics of one chunk of a long series: count, sum and sum of squares (they add up)."""
    low, high = bounds
    values = [math.sin(i) * 100 for i in range(low, high)]
    return len(values), sum(values), sum(v * v for v in values)


def combine_stats(parts):
    """Join the chunks' partial sums into one mean and standard deviation."""
    count = sum(p[0] for p in parts)
    total = sum(p[1] for p in parts)
    squares = sum(p[2] for p in parts)
    mean = total / count
    return mean, math.sqrt(squares / count - mean * mean)


def train_model(learning_rate, steps=2_000):
    """Simulated training: gradient descent fitting y = 3x + 1; returns the final loss."""
    data = [(x / 50, 3 * x / 50 + 1) for x in range(50)]
    w = b = 0.0
    loss = 0.0
    for _ in range(steps):
        grad_w = grad_b = loss = 0.0
        for x, y in data:
            error = w * x + b - y
            grad_w += error * x
            grad_b += error
            loss += error * error
        w -= learning_rate * grad_w / len(data)
        b -= learning_rate * grad_b / len(data)
    return round(loss / len(data), 9)


def sequential(func, tasks):
    return [func(task) for task in tasks]


def in_pool(pool, func, tasks):
    return pool.map(func, tasks, chunksize=1)


JOBS = {  # name: (function, tasks)
    "fibonacci": (fibonacci, [24] * 8),
    "primes": (count_primes, [(i * 25_000, (i + 1) * 25_000) for i in range(8)]),
    "image blur": (blur_image, list(range(8))),
    "chunked statistics": (chunk_stats, [(i * 100_000, (i + 1) * 100_000) for i in range(8)]),
    "training": (train_model, [0.05 * (i + 1) for i in range(8)]),
}

if __name__ == "__main__":
    with multiprocessing.Pool() as pool:
        for name, (func, tasks) in JOBS.items():
            start = time.perf_counter()
            expected = sequential(func, tasks)
            middle = time.perf_counter()
            assert in_pool(pool, func, tasks) == expected
            end = time.perf_counter()
            print(f"{name:>18}: {middle - start:.2f} s alone, {end - middle:.2f} s in the pool, "
                  f"{(middle - start) / (end - middle):.2f}x")
