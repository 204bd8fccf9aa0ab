using System.Text.Json;

namespace SriovForwarder.Gateway.Demo;

/// <summary>
/// What the demo's client verb (<c>sriov-forwarder connect</c>) needs to play a pod against a forwarder running the
/// embedded stand-in control plane: the forwarder's NSM socket and each resource's device-plugin socket, as kubelet
/// would know them. Written by <see cref="StandInNsmControlPlane"/> as <see cref="FileName"/> in its folder.
/// </summary>
public sealed record DemoDescriptor(string ListenOn, IReadOnlyDictionary<string, string> DevicePlugins)
{
    /// <summary>The file's name in the demo folder.</summary>
    public const string FileName = "demo.json";

    private static readonly JsonSerializerOptions Options = new() { WriteIndented = true };

    /// <summary>Writes the descriptor to <paramref name="path"/> (write, then rename: a reader never sees half of it).</summary>
    public void Write(string path)
    {
        var temporary = path + ".tmp";
        File.WriteAllText(temporary, JsonSerializer.Serialize(this, Options));
        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>Reads the descriptor at <paramref name="path"/>; null when there is none.</summary>
    public static DemoDescriptor? Read(string path) =>
        File.Exists(path) ? JsonSerializer.Deserialize<DemoDescriptor>(File.ReadAllText(path), Options) : null;
}
