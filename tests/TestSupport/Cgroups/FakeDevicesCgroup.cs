using System.Globalization;
using System.Text;
using SriovForwarder.Kernel.Cgroups;

namespace SriovForwarder.TestSupport.Cgroups;

/// <summary>
/// A stand-in for one cgroup-v1 devices cgroup, like upstream's fake: <c>devices.list</c> is a regular file, and
/// <c>devices.allow</c>/<c>devices.deny</c> are FIFOs whose lines a background reader applies with the kernel's
/// semantics (security/device_cgroup.c: a default plus an exception list) before rewriting <c>devices.list</c>.
/// </summary>
/// <remarks>Not modelled: the kernel's check that a child may not get more than its parent cgroup.</remarks>
public sealed class FakeDevicesCgroup : IDisposable
{
    /// <summary>What a container cgroup lists under a container runtime, as in upstream's default fake.</summary>
    public static readonly string[] ContainerDefaults = ["c 136:* rwm", "c *:* m", "b *:* m"];

    /// <summary>A privileged container's cgroup, as in upstream's "wide" fake.</summary>
    public static readonly string[] Wide = ["a *:* rwm"];

    private const string SyncMarker = "#sync ";
    private const string StopMarker = "#stop";

    private bool _defaultAllow;
    private List<DeviceRule> _exceptions;
    private readonly List<string> _writes = [];
    private readonly Lock _gate = new();
    private readonly Reader _allow;
    private readonly Reader _deny;
    private long _nextMarker;
    private int _disposed;

    public FakeDevicesCgroup(string directory, IEnumerable<string> rules)
    {
        Directory = directory;
        System.IO.Directory.CreateDirectory(directory);
        var initial = rules.Select(DeviceRule.Parse).ToList();
        _defaultAllow = initial.Any(IsWholeDeviceRule);
        _exceptions = _defaultAllow ? [] : initial;
        WriteList();
        _allow = new Reader(this, Path.Combine(directory, "devices.allow"), Allow, waitForAllow: false);
        _deny = new Reader(this, Path.Combine(directory, "devices.deny"), Deny, waitForAllow: true);
    }

    public string Directory { get; }

    /// <summary>After every earlier write is applied: the lines of <c>devices.list</c>.</summary>
    public IReadOnlyList<string> ReadList()
    {
        Sync();
        return File.ReadAllLines(Path.Combine(Directory, "devices.list"));
    }

    /// <summary>After every earlier write is applied: each line written, as <c>allow: c 10:196 rwm</c> or <c>deny: …</c>.</summary>
    public IReadOnlyList<string> Writes()
    {
        Sync();
        lock (_gate)
        {
            return [.. _writes];
        }
    }

    /// <summary>Writes a rule to <c>devices.allow</c> as another writer (the container runtime) would, and waits until it is applied.</summary>
    public void RuntimeAllow(string line)
    {
        _allow.Send(line);
        Sync();
    }

    /// <summary>Stops the readers and removes the FIFOs, so a later write fails at once instead of blocking for a reader.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _allow.Dispose();
            _deny.Dispose();
        }
    }

    private void Sync()
    {
        _allow.WaitFor(SendMarker(_allow));
        _deny.WaitFor(SendMarker(_deny));
    }

    private long SendMarker(Reader reader)
    {
        var marker = Interlocked.Increment(ref _nextMarker);
        reader.Send(SyncMarker + marker.ToString(CultureInfo.InvariantCulture));
        return marker;
    }

    private void Apply(string file, string line, Action<DeviceRule> apply)
    {
        lock (_gate)
        {
            _writes.Add($"{file}: {line}");
            if (DeviceRule.TryParse(line, out var rule))
            {
                apply(rule);
                WriteList();
            }
        }
    }

    private void Allow(DeviceRule rule)
    {
        if (IsWholeDeviceRule(rule))
        {
            (_defaultAllow, _exceptions) = (true, []);
        }
        else if (_defaultAllow)
        {
            RemoveException(rule);
        }
        else
        {
            AddException(rule);
        }
    }

    private void Deny(DeviceRule rule)
    {
        if (IsWholeDeviceRule(rule))
        {
            (_defaultAllow, _exceptions) = (false, []);
        }
        else if (_defaultAllow)
        {
            AddException(rule);
        }
        else
        {
            RemoveException(rule);
        }
    }

    // The kernel's parser takes any line starting with "a" as "every device" and switches the default.
    private static bool IsWholeDeviceRule(DeviceRule rule) => rule.Type == DeviceType.All;

    // dev_exception_add: an exception for the same type and numbers gains the access letters, else a new one.
    private void AddException(DeviceRule rule)
    {
        var index = _exceptions.FindIndex(e => SameDevices(e, rule));
        if (index < 0)
        {
            _exceptions.Add(rule);
        }
        else
        {
            _exceptions[index] = _exceptions[index] with { Access = _exceptions[index].Access | rule.Access };
        }
    }

    // dev_exception_rm: only an exception with the same type and numbers loses the letters, and goes when none is left.
    private void RemoveException(DeviceRule rule)
    {
        var index = _exceptions.FindIndex(e => SameDevices(e, rule));
        if (index < 0)
        {
            return;
        }

        var left = _exceptions[index].Access & ~rule.Access;
        if (left == DeviceAccess.None)
        {
            _exceptions.RemoveAt(index);
        }
        else
        {
            _exceptions[index] = _exceptions[index] with { Access = left };
        }
    }

    private static bool SameDevices(DeviceRule a, DeviceRule b) =>
        a.Type == b.Type && a.Major == b.Major && a.Minor == b.Minor;

    // Like the kernel, an allow-by-default cgroup lists only "a *:* rwm", whatever its exceptions; the file is
    // replaced atomically so a reader never sees it half written.
    private void WriteList()
    {
        var text = new StringBuilder();
        foreach (var rule in _defaultAllow ? [DeviceRule.Parse("a *:* rwm")] : _exceptions)
        {
            text.Append(rule).Append('\n');
        }

        var list = Path.Combine(Directory, "devices.list");
        File.WriteAllText(list + ".new", text.ToString());
        File.Move(list + ".new", list, overwrite: true);
    }

    /// <summary>Reads one FIFO on a background thread; opened read-write so it never sees end-of-file between writers.</summary>
    private sealed class Reader : IDisposable
    {
        private readonly FakeDevicesCgroup _owner;
        private readonly string _path;
        private readonly string _file;
        private readonly Action<DeviceRule> _apply;
        private readonly bool _waitForAllow;
        private readonly Thread _thread;
        private readonly FileStream _stream;
        private readonly object _markerGate = new();
        private readonly HashSet<long> _processedMarkers = [];

        public Reader(FakeDevicesCgroup owner, string path, Action<DeviceRule> apply, bool waitForAllow)
        {
            (_owner, _path, _apply, _waitForAllow) = (owner, path, apply, waitForAllow);
            _file = Path.GetFileName(path)["devices.".Length..];
            Fifo.Create(path);
            _stream = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite, bufferSize: 0);
            _thread = new Thread(Run) { IsBackground = true, Name = "fake " + path };
            _thread.Start();
        }

        public void Send(string line)
        {
            using var writer = new FileStream(_path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite, bufferSize: 0);
            writer.Write(Encoding.ASCII.GetBytes(line + "\n"));
        }

        public void WaitFor(long marker)
        {
            lock (_markerGate)
            {
                while (!_processedMarkers.Contains(marker))
                {
                    Monitor.Wait(_markerGate);
                }
            }
        }

        /// <summary>Stops the thread, closes the FIFO and removes it.</summary>
        public void Dispose()
        {
            Send(StopMarker);
            _thread.Join();
            _stream.Dispose();
            File.Delete(_path);
        }

        private void Run()
        {
            using var reader = new StreamReader(_stream, Encoding.ASCII, false, 256, leaveOpen: true);
            while (reader.ReadLine() is { } line && line != StopMarker)
            {
                if (line.StartsWith(SyncMarker, StringComparison.Ordinal))
                {
                    lock (_markerGate)
                    {
                        _processedMarkers.Add(long.Parse(line[SyncMarker.Length..], CultureInfo.InvariantCulture));
                        Monitor.PulseAll(_markerGate);
                    }

                    continue;
                }

                if (_waitForAllow)
                {
                    // Two FIFOs lose the order of writes across them; a deny must not overtake an earlier allow.
                    _owner._allow.WaitFor(_owner.SendMarker(_owner._allow));
                }

                _owner.Apply(_file, line, _apply);
            }
        }
    }
}
