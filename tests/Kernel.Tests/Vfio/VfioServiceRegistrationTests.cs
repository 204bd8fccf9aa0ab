using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SriovForwarder.Kernel.Vfio;

namespace SriovForwarder.Kernel.Tests.Vfio;

public sealed class VfioServiceRegistrationTests
{
    [Fact]
    public void AddVfioDevices_RelativePath_FailsValidationNamingSetting()
    {
        using var provider = new ServiceCollection().AddVfioDevices(o => o.VfioPath = "dev/vfio").BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<VfioOptions>>().Value);

        Assert.Contains("NSM_VFIO_PATH", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddVfioDevices_Defaults_ReadUpstreamPath()
    {
        using var provider = new ServiceCollection().AddVfioDevices().BuildServiceProvider();

        Assert.Equal("/host/dev/vfio", provider.GetRequiredService<IOptions<VfioOptions>>().Value.VfioPath);
        Assert.IsType<VfioDevices>(provider.GetRequiredService<IVfioDevices>());
    }
}
