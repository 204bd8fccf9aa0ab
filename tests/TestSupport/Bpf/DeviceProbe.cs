using System.Diagnostics;

namespace SriovForwarder.TestSupport.Bpf;

/// <summary>
/// A real process inside a cgroup that opens device nodes for reading on request and reports <c>ok</c> or the
/// shell's error (e.g. "Operation not permitted" when the cgroup's device program denies).
/// </summary>
public sealed class DeviceProbe : IDisposable
{
    private const string Script = """
        echo $$ > "$1/cgroup.procs" || exit 1
        echo ready
        while read -r p; do
          if r=$( { true <"$p"; } 2>&1 ); then echo ok; else echo "error: $r"; fi
        done
        """;

    private static readonly TimeSpan ReplyTimeout = TimeSpan.FromSeconds(10);

    private readonly Process _process;

    private DeviceProbe(Process process) => _process = process;

    public static DeviceProbe Start(string cgroupDir)
    {
        var info = new ProcessStartInfo("/bin/sh")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add(Script);
        info.ArgumentList.Add("probe");
        info.ArgumentList.Add(cgroupDir);
        var probe = new DeviceProbe(Process.Start(info) ?? throw new InvalidOperationException("cannot start /bin/sh"));
        var ready = probe.ReadLine();
        if (ready != "ready")
        {
            probe.Dispose();
            throw new InvalidOperationException($"probe did not enter cgroup {cgroupDir}: {ready}");
        }

        return probe;
    }

    /// <summary>"ok" when open(path, O_RDONLY) succeeded, else "error: ..." with the reason.</summary>
    public string Open(string path)
    {
        _process.StandardInput.WriteLine(path);
        _process.StandardInput.Flush();
        return ReadLine();
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
        }

        _process.WaitForExit();
        _process.Dispose();
    }

    private string ReadLine()
    {
        var line = _process.StandardOutput.ReadLineAsync();
        return line.Wait(ReplyTimeout) ? line.Result ?? "<probe exited>" : "<no reply within 10 s>";
    }
}
