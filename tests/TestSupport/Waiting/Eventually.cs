using System.Diagnostics;

namespace SriovForwarder.TestSupport.Waiting;

/// <summary>
/// Polls for something another thread, process or the kernel makes true later; the one waiting helper of the tests
/// (time-driven behaviour of our own code runs on a fake clock instead).
/// </summary>
public static class Eventually
{
    /// <summary>How long a wait lasts unless the caller says otherwise.</summary>
    public static readonly TimeSpan DefaultPatience = TimeSpan.FromSeconds(15);

    private static readonly TimeSpan DefaultInterval = TimeSpan.FromMilliseconds(20);

    /// <summary>Waits until <paramref name="condition"/> holds; fails the test naming <paramref name="what"/> when it never does.</summary>
    public static Task TrueAsync(Func<bool> condition, string what, TimeSpan? patience = null) =>
        TrueAsync(() => Task.FromResult(condition()), what, patience);

    /// <summary>Waits until <paramref name="condition"/> holds; fails the test naming <paramref name="what"/> when it never does.</summary>
    public static async Task TrueAsync(Func<Task<bool>> condition, string what, TimeSpan? patience = null, TimeSpan? interval = null)
    {
        var limit = patience ?? DefaultPatience;
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            if (clock.Elapsed > limit)
            {
                Assert.Fail($"{what}: still not true after {limit.TotalSeconds} s");
            }

            await Task.Delay(interval ?? DefaultInterval);
        }
    }

    /// <summary>Reads until <paramref name="done"/> accepts the value or patience runs out; returns the last value read, for the test to assert on.</summary>
    public static async Task<T> ValueAsync<T>(Func<Task<T>> read, Func<T, bool> done, TimeSpan patience, TimeSpan? interval = null)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var value = await read();
            if (done(value) || clock.Elapsed > patience)
            {
                return value;
            }

            await Task.Delay(interval ?? DefaultInterval);
        }
    }

    /// <summary>Whether <paramref name="condition"/> comes true within <paramref name="patience"/>, blocking; for tests that also assert something never happens.</summary>
    public static bool Within(Func<bool> condition, TimeSpan patience, TimeSpan? interval = null)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > patience)
            {
                return false;
            }

            Thread.Sleep(interval ?? DefaultInterval);
        }

        return true;
    }
}
