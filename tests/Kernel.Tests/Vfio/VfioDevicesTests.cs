using System.Diagnostics;
using Microsoft.Extensions.Options;
using SriovForwarder.Kernel.Vfio;

namespace SriovForwarder.Kernel.Tests.Vfio;

public sealed class VfioDevicesTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private VfioDevices Devices() => new(Options.Create(new VfioOptions { VfioPath = _folder.Path }));

    private string NodePath(string name) => Path.Combine(_folder.Path, name);

    [RootFact("creates character device nodes with mknod")]
    public void GetContainerDevice_RealCharacterDeviceAsRoot_ReturnsItsNumbers()
    {
        Mknod.CreateCharacterDevice(NodePath("vfio"), 10, 196);

        Assert.Equal(new DeviceNumber(10, 196), Devices().GetContainerDevice());
    }

    [RootFact("creates character device nodes with mknod")]
    public void GetGroupDevice_RealCharacterDeviceAsRoot_ReturnsItsNumbers()
    {
        Mknod.CreateCharacterDevice(NodePath("41"), 241, 3);

        Assert.Equal(new DeviceNumber(241, 3), Devices().GetGroupDevice(41));
    }

    [RootFact("creates character device nodes with mknod")]
    public void GetGroupDevice_LargestNumbersAsRoot_ReturnsThemUnchanged()
    {
        // The kernel's largest numbers (12-bit major, 20-bit minor) need every part of the dev_t encoding.
        Mknod.CreateCharacterDevice(NodePath("7"), 4095, 1048575);

        Assert.Equal(new DeviceNumber(4095, 1048575), Devices().GetGroupDevice(7));
    }

    [RootFact("creates character device nodes with mknod")]
    public void CreateCharacterDevice_AsRoot_MakesNodeThatStatAgreesWith()
    {
        var path = NodePath("3");
        Mknod.CreateCharacterDevice(path, 241, 300, UnixFileMode.UserRead | UnixFileMode.UserWrite);

        // coreutils stat prints the type, the mode and the device numbers (hex) independently of our code.
        var info = new ProcessStartInfo("stat", ["-c", "%F %a %t:%T", path]) { RedirectStandardOutput = true };
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEnd().Trim();
        process.WaitForExit();

        Assert.Equal("character special file 600 f1:12c", output);
    }

    [RootFact("creates character device nodes with mknod")]
    public void CreateCharacterDevice_PathExistsAsRoot_ThrowsNamingPath()
    {
        var path = NodePath("vfio");
        File.WriteAllText(path, "");

        var error = Assert.Throws<IOException>(() => Mknod.CreateCharacterDevice(path, 10, 196));

        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.Contains("errno 17", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void GetGroupDevice_Missing_ThrowsNamingFileAndGroup()
    {
        var error = Assert.Throws<VfioDeviceException>(() => Devices().GetGroupDevice(41));

        Assert.Equal(
            $"VFIO device {NodePath("41")} does not exist (is IOMMU group 41 bound to vfio-pci?)", error.Message);
    }

    [Fact]
    public void GetContainerDevice_Missing_ThrowsNamingFile()
    {
        var error = Assert.Throws<VfioDeviceException>(() => Devices().GetContainerDevice());

        Assert.StartsWith($"VFIO device {NodePath("vfio")} does not exist", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void GetContainerDevice_VfioPathMissing_ThrowsNamingFile()
    {
        var devices = new VfioDevices(Options.Create(new VfioOptions { VfioPath = NodePath("absent") }));

        var error = Assert.Throws<VfioDeviceException>(() => devices.GetContainerDevice());

        Assert.Contains(Path.Combine(NodePath("absent"), "vfio") + " does not exist", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void GetContainerDevice_RegularFile_ThrowsNotACharacterDevice()
    {
        File.WriteAllText(NodePath("vfio"), "");

        var error = Assert.Throws<VfioDeviceException>(() => Devices().GetContainerDevice());

        Assert.Equal($"VFIO device {NodePath("vfio")} is not a character device (it is a regular file)", error.Message);
    }

    [Fact]
    public void GetGroupDevice_Directory_ThrowsNotACharacterDevice()
    {
        Directory.CreateDirectory(NodePath("12"));

        var error = Assert.Throws<VfioDeviceException>(() => Devices().GetGroupDevice(12));

        Assert.Equal($"VFIO device {NodePath("12")} is not a character device (it is a directory)", error.Message);
    }

    [Fact]
    public void GetGroupDevice_NegativeGroup_ThrowsArgumentOutOfRange() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => Devices().GetGroupDevice(-1));
}
