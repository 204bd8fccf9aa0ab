using YamlDotNet.RepresentationModel;

namespace SriovForwarder.Silo.Tests.Deployment;

/// <summary>deploy/k8s is one kustomization: every manifest listed, the image name the one the DaemonSet uses.</summary>
public sealed class KustomizationTests
{
    private readonly KubernetesManifests _manifests = KubernetesManifests.Load();

    [Fact]
    public void Resources_ListEveryManifestOfTheFolder()
    {
        var listed = _manifests.Kustomization.Items("resources").Select(r => ((YamlScalarNode)r).Value!).Order().ToList();
        var files = Directory.GetFiles(RepositoryFiles.PathOf(KubernetesManifests.Folder), "*.yaml")
            .Select(f => Path.GetFileName(f))
            .Where(f => f != "kustomization.yaml")
            .Order()
            .ToList();

        Assert.Equal(files, listed);
    }

    [Fact]
    public void Images_RenameTheDaemonSetsImage()
    {
        var image = _manifests.Container.Text("image");

        Assert.Contains(_manifests.Kustomization.Items("images"), i => i.Text("name") == image);
    }
}
