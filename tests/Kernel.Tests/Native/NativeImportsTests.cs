using System.Reflection;
using SriovForwarder.Kernel.Native;

namespace SriovForwarder.Kernel.Tests.Native;

/// <summary>Keeps every libc import in one place: <c>src/Kernel/Native</c>.</summary>
public sealed class NativeImportsTests
{
    private const BindingFlags All =
        BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly;

    [Fact]
    public void KernelAssembly_PInvokes_AreDeclaredOnlyInTheNativeNamespace()
    {
        var kernel = typeof(Errno).Assembly;

        var outside = PInvokes(kernel).Where(method => method.DeclaringType?.Namespace != typeof(Errno).Namespace);

        Assert.NotEmpty(PInvokes(kernel));
        Assert.Empty(outside.Select(Describe));
    }

    [Fact]
    public void OtherAssembliesOfOurs_DeclareNoPInvokes()
    {
        // The src assemblies found next to the tests (test projects may call libc for their own set-up).
        string[] sources = ["SriovForwarder.Api.dll", "SriovForwarder.Gateway.dll", "SriovForwarder.Grains.dll", "SriovForwarder.Grains.Interfaces.dll", "sriov-forwarder.dll"];
        var ours = sources
            .Select(name => Path.Combine(AppContext.BaseDirectory, name))
            .Where(File.Exists)
            .Select(Assembly.LoadFrom)
            .ToList();

        Assert.Contains(ours, assembly => assembly.GetName().Name == "SriovForwarder.Grains");
        Assert.Empty(ours.SelectMany(PInvokes).Select(Describe));
    }

    private static IEnumerable<MethodInfo> PInvokes(Assembly assembly) =>
        assembly.GetTypes()
            .SelectMany(type => type.GetMethods(All))
            .Where(method => method.Attributes.HasFlag(MethodAttributes.PinvokeImpl)
                || method.GetCustomAttribute<System.Runtime.InteropServices.DllImportAttribute>() is not null);

    private static string Describe(MethodInfo method) => $"{method.DeclaringType?.FullName}.{method.Name}";
}
