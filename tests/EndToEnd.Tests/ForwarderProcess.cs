using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Threading.Channels;

namespace SriovForwarder.EndToEnd.Tests;

/// <summary>The built <c>sriov-forwarder</c> executable run as a child process, with its output captured line by line.</summary>
public sealed partial class ForwarderProcess : IAsyncDisposable
{
    private const int SigTerm = 15;
    private const int SigKill = 9;
    private static readonly HashSet<int> HandedOut = [];

    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lines = new();
    private readonly SemaphoreSlim _lineArrived = new(0);
    private bool _outputDrained;

    private ForwarderProcess(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) => Add(e.Data);
        _process.ErrorDataReceived += (_, e) => Add(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>Everything the process printed so far.</summary>
    public string Output => string.Join(Environment.NewLine, _lines);

    /// <summary>The process id.</summary>
    public int Id => _process.Id;

    /// <summary>Whether the process has ended.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>The forwarder executable the tests run: SRIOV_FORWARDER_EXE when set, else the one beside the tests.</summary>
    public static string Executable =>
        Environment.GetEnvironmentVariable("SRIOV_FORWARDER_EXE") is { Length: > 0 } published
            ? published
            : Path.Combine(AppContext.BaseDirectory, "sriov-forwarder");

    /// <summary>Sends SIGKILL, as an OOM kill or a node's hard stop does, and waits for the exit.</summary>
    public async Task KillAsync()
    {
        _ = SendSignal(_process.Id, SigKill);
        await _process.WaitForExitAsync();
    }

    /// <summary>
    /// Starts the executable that the build put beside the tests, or the one SRIOV_FORWARDER_EXE names (a published
    /// build, e.g. the image's trimmed self-contained one, decision 047), as the benchmarks do.
    /// </summary>
    public static ForwarderProcess Start(IEnumerable<string> arguments, IReadOnlyDictionary<string, string> environment)
    {
        var start = new ProcessStartInfo(Executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("NSM_", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(key);
        }

        // The ops listener's default port is fixed (9464): tests that run side by side each get a free one instead.
        start.Environment["NSM_OPS_LISTEN_ON"] = $"127.0.0.1:{FreePort()}";
        // The fleet API's default port is fixed (8081): tests run forwarders side by side, so each gets its own unless a test sets it.
        start.Environment["NSM_FLEET_LISTEN_ON"] = $"127.0.0.1:{FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture)}";
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        return new ForwarderProcess(Process.Start(start)!);
    }

    /// <summary>
    /// A TCP port nobody listens on right now and that this test process has not handed out before: the kernel may give
    /// a port it gave a moment ago once that listener is closed, and two settings of one forwarder on the same port are
    /// refused at start (a CI run failed that way).
    /// </summary>
    public static int FreePort()
    {
        while (true)
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            lock (HandedOut)
            {
                if (HandedOut.Add(port))
                {
                    return port;
                }
            }
        }
    }

    /// <summary>Waits until a printed line contains <paramref name="text"/>; fails with the output so far when it does not come.</summary>
    public async Task<string> WaitForLineAsync(string text, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var line = _lines.FirstOrDefault(l => l.Contains(text, StringComparison.Ordinal));
            if (line is not null)
            {
                return line;
            }

            var left = deadline - DateTime.UtcNow;
            if (_process.HasExited && !_outputDrained)
            {
                // Its last lines may still be on their way through the output readers when the exit is seen: look once
                // more after they reached the end (bounded: a child that inherited the pipes could keep it open).
                using var drained = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                try
                {
                    await _process.WaitForExitAsync(drained.Token);
                }
                catch (OperationCanceledException)
                {
                    // Not drained in 5 s: what arrived is all there is to look at.
                }

                _outputDrained = true;
                continue;
            }

            if (left <= TimeSpan.Zero || _process.HasExited)
            {
                throw new TimeoutException($"the forwarder did not print \"{text}\" (exited: {_process.HasExited}); output:{Environment.NewLine}{Output}");
            }

            await _lineArrived.WaitAsync(left < TimeSpan.FromMilliseconds(200) ? left : TimeSpan.FromMilliseconds(200));
        }
    }

    /// <summary>The next item a stand-in heard from this process; on timeout the error carries the process output.</summary>
    public async Task<T> ReadHeardAsync<T>(Channel<T> heard, TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            return await heard.Reader.ReadAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"the stand-in heard nothing from the forwarder in {timeout}; forwarder output:{Environment.NewLine}{Output}");
        }
    }

    /// <summary>Sends SIGTERM and returns the exit code.</summary>
    public async Task<int> TerminateAsync(TimeSpan timeout)
    {
        _ = SendSignal(_process.Id, SigTerm);
        return await WaitForExitAsync(timeout);
    }

    /// <summary>Waits for the process to exit by itself and returns the exit code.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cancel.Token);
        return _process.ExitCode;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        // Also once exited: waits until the output readers have seen the end, so no line arrives after the semaphore is gone.
        await _process.WaitForExitAsync();
        _process.Dispose();
        _lineArrived.Dispose();
    }

    private void Add(string? line)
    {
        if (line is not null)
        {
            _lines.Enqueue(line);
            _lineArrived.Release();
        }
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int SendSignal(int pid, int signal);
}
