using System.Runtime.InteropServices;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using SriovForwarder.Kernel.Native;

namespace SriovForwarder.Kernel.Simulation;

/// <summary>
/// One thread that waits (poll) on the drivers' bind/unbind FIFOs and on inotify close-after-write events of each
/// PF's <c>sriov_numvfs</c>, and hands every write to the <see cref="SimulatedKernel"/> in arrival order.
/// </summary>
internal sealed partial class SimulatedKernelLoop : IDisposable
{
    private readonly SimulatedKernel _kernel;
    private readonly ILogger _logger;
    private readonly List<(int Fd, string Driver, bool IsBind)> _fifos = [];
    private readonly Dictionary<int, SimulatedFunction> _watches = [];
    private readonly int _inotify;
    private readonly int _stopRead;
    private readonly int _stopWrite;
    private readonly Thread _thread;

    public unsafe SimulatedKernelLoop(
        SimulatedKernel kernel,
        SimulatedSysfsTree tree,
        IEnumerable<string> drivers,
        IEnumerable<SimulatedFunction> physicalFunctions,
        ILogger logger)
    {
        _kernel = kernel;
        _logger = logger;
        var pipe = stackalloc int[2];
        Check(LibC.Pipe2(pipe, LibC.OCloexec | LibC.ONonblock), "pipe2");
        (_stopRead, _stopWrite) = (pipe[0], pipe[1]);
        _inotify = Check(LibC.InotifyInit1(LibC.OCloexec | LibC.ONonblock), "inotify_init1");
        foreach (var pf in physicalFunctions)
        {
            var wd = Check(LibC.InotifyAddWatch(_inotify, tree.DeviceDirectory(pf), LibC.InCloseWrite), "inotify_add_watch");
            _watches[wd] = pf;
        }

        foreach (var driver in drivers)
        {
            foreach (var isBind in new[] { true, false })
            {
                // Opened read-write so the FIFO always has a writer too: reads never see end-of-file between writers.
                var path = Path.Combine(tree.DriverDirectory(driver), isBind ? "bind" : "unbind");
                var fd = Check(LibC.Open(path, LibC.ORdwr | LibC.ONonblock | LibC.OCloexec, 0), $"open {path}");
                _fifos.Add((fd, driver, isBind));
            }
        }

        _thread = new Thread(Run) { IsBackground = true, Name = "simulated-kernel" };
    }

    public void Start() => _thread.Start();

    public unsafe void Dispose()
    {
        byte stop = 1;
        _ = LibC.Write(_stopWrite, &stop, 1);
        if (_thread.ThreadState != ThreadState.Unstarted)
        {
            _thread.Join();
        }

        foreach (var fd in _fifos.Select(f => f.Fd).Concat([_inotify, _stopRead, _stopWrite]))
        {
            _ = LibC.Close(fd);
        }
    }

    private unsafe void Run()
    {
        var fds = new LibC.PollFd[_fifos.Count + 2];
        fds[0].Fd = _stopRead;
        fds[1].Fd = _inotify;
        for (var i = 0; i < _fifos.Count; i++)
        {
            fds[i + 2].Fd = _fifos[i].Fd;
        }

        for (var i = 0; i < fds.Length; i++)
        {
            fds[i].Events = LibC.PollIn;
        }

        var buffer = new byte[8192];
        while (true)
        {
            int ready;
            fixed (LibC.PollFd* p = fds)
            {
                ready = LibC.Poll(p, (nuint)fds.Length, -1);
            }

            if (ready < 0)
            {
                if (Marshal.GetLastPInvokeError() == LibC.EIntr)
                {
                    continue;
                }

                return;
            }

            if ((fds[0].Revents & LibC.PollIn) != 0)
            {
                return;
            }

            if ((fds[1].Revents & LibC.PollIn) != 0)
            {
                React(() => HandleInotify(buffer));
            }

            for (var i = 0; i < _fifos.Count; i++)
            {
                if ((fds[i + 2].Revents & LibC.PollIn) != 0)
                {
                    var (fd, driver, isBind) = _fifos[i];
                    var text = ReadAvailable(fd, buffer);
                    foreach (Match match in Address().Matches(text))
                    {
                        React(() =>
                        {
                            if (isBind)
                            {
                                _kernel.Bind(driver, match.Value);
                            }
                            else
                            {
                                _kernel.Unbind(driver, match.Value);
                            }
                        });
                    }
                }
            }
        }
    }

    private void HandleInotify(byte[] buffer)
    {
        var length = ReadAvailableBytes(_inotify, buffer);
        var offset = 0;
        var pending = new HashSet<SimulatedFunction>();
        while (offset + 16 <= length)
        {
            var wd = BitConverter.ToInt32(buffer, offset);
            var nameLength = BitConverter.ToInt32(buffer, offset + 12);
            var name = Encoding.UTF8.GetString(buffer, offset + 16, nameLength).TrimEnd('\0');
            offset += 16 + nameLength;
            if (name == "sriov_numvfs" && _watches.TryGetValue(wd, out var pf))
            {
                pending.Add(pf);
            }
        }

        foreach (var pf in pending)
        {
            _kernel.OnNumVfsWritten(pf);
        }
    }

    private void React(Action reaction)
    {
        try
        {
            reaction();
        }
        catch (Exception e)
        {
            // One failed reaction must not stop the simulated kernel (the thread would take the process down).
            SimulationLog.ReactionFailed(_logger, e);
        }
    }

    private static string ReadAvailable(int fd, byte[] buffer)
    {
        var text = new StringBuilder();
        int read;
        while ((read = ReadAvailableBytes(fd, buffer)) > 0)
        {
            text.Append(Encoding.ASCII.GetString(buffer, 0, read));
            if (read < buffer.Length)
            {
                break;
            }
        }

        return text.ToString();
    }

    private static unsafe int ReadAvailableBytes(int fd, byte[] buffer)
    {
        fixed (byte* p = buffer)
        {
            var read = LibC.Read(fd, p, buffer.Length);
            return read < 0 ? 0 : (int)read;
        }
    }

    private static int Check(int result, string what) =>
        result >= 0 ? result : throw new IOException($"{what} failed: {Marshal.GetLastPInvokeErrorMessage()}");

    [GeneratedRegex("[0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}\\.[0-7]", RegexOptions.CultureInvariant)]
    private static partial Regex Address();
}
