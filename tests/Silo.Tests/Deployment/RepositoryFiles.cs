namespace SriovForwarder.Silo.Tests.Deployment;

/// <summary>Finds the repository's own files (Dockerfile, deploy/) from the test's output folder.</summary>
internal static class RepositoryFiles
{
    private static readonly Lazy<string> RootFolder = new(FindRoot);

    public static string Root => RootFolder.Value;

    public static string PathOf(string relative) => System.IO.Path.Combine(Root, relative);

    public static string Read(string relative)
    {
        var path = PathOf(relative);
        Assert.True(File.Exists(path), $"{relative} is missing from the repository");
        return File.ReadAllText(path);
    }

    private static string FindRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(folder.FullName, "SriovForwarder.slnx")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException($"no SriovForwarder.slnx above {AppContext.BaseDirectory}");
    }
}
