namespace SriovForwarder.EndToEnd.Tests;

/// <summary>
/// The <c>simulate-fault</c> verb refuses what it cannot play with a message naming what is wrong: bad arguments (exit 2),
/// a folder without a simulated node or an undo with nothing to undo (exit 3). Playing faults on a running forwarder is
/// checked in <see cref="Nsm.DeviceHealthEndToEndTests"/>.
/// </summary>
public sealed class SimulateFaultVerbTests : IDisposable
{
    private static readonly TimeSpan ExitTimeout = TimeSpan.FromSeconds(60);
    private readonly string _folder = Directory.CreateTempSubdirectory("sriov-fault-verb-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Theory]
    [InlineData(new[] { "unplug-pf", "0000:01:00.0" }, "--simulate-dir DIR is needed")]
    [InlineData(new[] { "--simulate-dir", "/tmp", "melt-pf", "0000:01:00.0" }, "FAULT 'melt-pf': must be one of pf-carrier-down, pf-carrier-up, remove-vfs, restore-vfs")]
    [InlineData(new[] { "--simulate-dir", "/tmp", "unplug-pf" }, "expected FAULT TARGET, got 1 value(s)")]
    public async Task BadArguments_ExitWithCode2NamingWhatIsWrong(string[] arguments, string expected)
    {
        var (exitCode, output) = await RunAsync(["simulate-fault", .. arguments]);

        Assert.Equal(2, exitCode);
        Assert.Contains($"sriov-forwarder simulate-fault: {expected}", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FolderWithoutASimulatedNode_ExitsWithCode3NamingTheFolderAndHowToMakeOne()
    {
        var (exitCode, output) = await RunAsync(["simulate-fault", "--simulate-dir", _folder, "unplug-pf", "0000:01:00.0"]);

        Assert.Equal(3, exitCode);
        Assert.Contains($"{_folder} holds no simulated node (simulation.json is missing): start the forwarder with --simulate --simulate-dir {_folder}", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_ListsEveryFaultWithItsUndo()
    {
        var (exitCode, output) = await RunAsync(["simulate-fault", "--help"]);

        Assert.Equal(0, exitCode);
        foreach (var (fault, undo) in new[] { ("pf-carrier-down", "pf-carrier-up"), ("remove-vfs", "restore-vfs"), ("unbind-vf", "bind-vf"), ("remove-vfio-node", "restore-vfio-node"), ("unplug-pf", "replug-pf") })
        {
            Assert.Contains($"{fault} ", output, StringComparison.Ordinal);
            Assert.Contains($"(undo: {undo} ", output, StringComparison.Ordinal);
        }
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(IEnumerable<string> arguments)
    {
        await using var verb = ForwarderProcess.Start(arguments, new Dictionary<string, string>());
        var exitCode = await verb.WaitForExitAsync(ExitTimeout);
        return (exitCode, verb.Output);
    }
}
