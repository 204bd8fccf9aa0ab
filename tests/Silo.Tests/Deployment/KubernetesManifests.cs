using System.Globalization;
using SriovForwarder.Silo.Configuration;
using YamlDotNet.RepresentationModel;

namespace SriovForwarder.Silo.Tests.Deployment;

/// <summary>The objects of deploy/k8s (the files its kustomization lists) and the DaemonSet's forwarder container.</summary>
internal sealed class KubernetesManifests
{
    public const string Folder = "deploy/k8s";

    // What the downward API gives the fieldRef variables on a real node (hostNetwork: the pod IP is the node's).
    private static readonly Dictionary<string, string> FieldSamples = new(StringComparer.Ordinal)
    {
        ["metadata.name"] = "sriov-forwarder-x7k2p",
        ["spec.nodeName"] = "worker-1",
        ["status.podIP"] = "10.0.0.11",
    };

    private KubernetesManifests(YamlMappingNode kustomization, IReadOnlyList<(string File, YamlMappingNode Object)> objects)
    {
        Kustomization = kustomization;
        Objects = objects;
    }

    public YamlMappingNode Kustomization { get; }

    public IReadOnlyList<(string File, YamlMappingNode Object)> Objects { get; }

    public YamlMappingNode DaemonSet => Single("DaemonSet", "sriov-forwarder");

    public YamlNode PodSpec => DaemonSet.Get("spec.template.spec");

    public YamlNode Container => Assert.Single(PodSpec.Items("containers"), c => c.Text("name") == "sriov-forwarder");

    public static KubernetesManifests Load()
    {
        var kustomization = YamlTree.Documents(RepositoryFiles.Read($"{Folder}/kustomization.yaml")).Single();
        var objects = kustomization.Items("resources")
            .Select(r => ((YamlScalarNode)r).Value!)
            .SelectMany(file => YamlTree.Documents(RepositoryFiles.Read($"{Folder}/{file}")).Select(o => (file, o)))
            .ToList();
        return new KubernetesManifests(kustomization, objects);
    }

    public YamlMappingNode Single(string kind, string name) =>
        Assert.Single(Objects, o => o.Object.Text("kind") == kind && o.Object.Text("metadata.name") == name).Object;

    /// <summary>One entry of a ConfigMap's data (keys such as <c>pci.config</c> hold dots, so no dotted path).</summary>
    public string? ConfigMapEntry(string name, string key) => (Single("ConfigMap", name).Get("data").Find(key) as YamlScalarNode)?.Value;

    /// <summary>The container's env: literal values as written, fieldRef values as the downward API would fill them.</summary>
    public IReadOnlyDictionary<string, string?> Environment()
    {
        var environment = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var variable in Container.Items("env"))
        {
            var name = variable.Text("name")!;
            var field = variable.Text("valueFrom.fieldRef.fieldPath");
            environment.Add(name, field is null ? variable.Text("value") : FieldSamples.GetValueOrDefault(field, $"<unknown field {field}>"));
        }

        return environment;
    }

    /// <summary>The settings the forwarder reads from the DaemonSet's environment; fails with the reader's problems.</summary>
    public ForwarderSettings Settings()
    {
        var result = ForwarderSettingsReader.Read(Environment());
        Assert.True(result.Succeeded, result.FormatProblems());
        return result.Settings;
    }

    public IReadOnlyList<(string Name, string MountPath)> Mounts() =>
        Container.Items("volumeMounts").Select(m => (m.Text("name")!, m.Text("mountPath")!)).ToList();

    public YamlNode Volume(string name) => Assert.Single(PodSpec.Items("volumes"), v => v.Text("name") == name);

    public IReadOnlyList<int> ContainerPorts() =>
        Container.Items("ports").Select(p => int.Parse(p.Text("containerPort")!, CultureInfo.InvariantCulture)).ToList();
}
