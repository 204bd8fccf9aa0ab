using SriovForwarder.Api.Kubelet.DevicePlugin.V1Beta1;
using SriovForwarder.Api.Nsm.Connection;
using SriovForwarder.Api.Nsm.Registry;
using NetworkService = SriovForwarder.Api.Nsm.Networkservice.NetworkService;
using PodResourcesV1 = SriovForwarder.Api.Kubelet.PodResources.V1;
using PodResourcesV1Alpha1 = SriovForwarder.Api.Kubelet.PodResources.V1Alpha1;

namespace SriovForwarder.Gateway.Tests.Protos;

/// <summary>Checks the gRPC paths, call kinds and message names that the generated stubs put on the wire.</summary>
public sealed class GrpcMethodNameTests
{
    [Fact]
    public void NetworkService_BindService_RegistersNsmPaths()
    {
        var binder = new RecordingServiceBinder();
        NetworkService.BindService(binder, null!);

        Assert.Equal(
        [
            "/networkservice.NetworkService/Request Unary networkservice.NetworkServiceRequest -> connection.Connection",
            "/networkservice.NetworkService/Close Unary connection.Connection -> google.protobuf.Empty",
        ], binder.Methods);
    }

    [Fact]
    public void MonitorConnection_BindService_RegistersServerStreamingPath()
    {
        var binder = new RecordingServiceBinder();
        MonitorConnection.BindService(binder, null!);

        Assert.Equal(
            ["/connection.MonitorConnection/MonitorConnections ServerStreaming connection.MonitorScopeSelector -> connection.ConnectionEvent"],
            binder.Methods);
    }

    [Fact]
    public void RegistryServices_BindService_RegisterRegistryPaths()
    {
        var binder = new RecordingServiceBinder();
        NetworkServiceEndpointRegistry.BindService(binder, null!);
        NetworkServiceRegistry.BindService(binder, null!);

        Assert.Equal(
        [
            "/registry.NetworkServiceEndpointRegistry/Register Unary registry.NetworkServiceEndpoint -> registry.NetworkServiceEndpoint",
            "/registry.NetworkServiceEndpointRegistry/Find ServerStreaming registry.NetworkServiceEndpointQuery -> registry.NetworkServiceEndpointResponse",
            "/registry.NetworkServiceEndpointRegistry/Unregister Unary registry.NetworkServiceEndpoint -> google.protobuf.Empty",
            "/registry.NetworkServiceRegistry/Register Unary registry.NetworkService -> registry.NetworkService",
            "/registry.NetworkServiceRegistry/Find ServerStreaming registry.NetworkServiceQuery -> registry.NetworkServiceResponse",
            "/registry.NetworkServiceRegistry/Unregister Unary registry.NetworkService -> google.protobuf.Empty",
        ], binder.Methods);
    }

    [Fact]
    public void DevicePluginServices_BindService_RegisterKubeletPaths()
    {
        var binder = new RecordingServiceBinder();
        Registration.BindService(binder, null!);
        Api.Kubelet.DevicePlugin.V1Beta1.DevicePlugin.BindService(binder, null!);

        Assert.Equal(
        [
            "/v1beta1.Registration/Register Unary v1beta1.RegisterRequest -> v1beta1.Empty",
            "/v1beta1.DevicePlugin/GetDevicePluginOptions Unary v1beta1.Empty -> v1beta1.DevicePluginOptions",
            "/v1beta1.DevicePlugin/ListAndWatch ServerStreaming v1beta1.Empty -> v1beta1.ListAndWatchResponse",
            "/v1beta1.DevicePlugin/GetPreferredAllocation Unary v1beta1.PreferredAllocationRequest -> v1beta1.PreferredAllocationResponse",
            "/v1beta1.DevicePlugin/Allocate Unary v1beta1.AllocateRequest -> v1beta1.AllocateResponse",
            "/v1beta1.DevicePlugin/PreStartContainer Unary v1beta1.PreStartContainerRequest -> v1beta1.PreStartContainerResponse",
        ], binder.Methods);
    }

    [Fact]
    public void PodResourcesListers_BindService_RegisterV1AndV1Alpha1Paths()
    {
        var binder = new RecordingServiceBinder();
        PodResourcesV1.PodResourcesLister.BindService(binder, null!);
        PodResourcesV1Alpha1.PodResourcesLister.BindService(binder, null!);

        Assert.Equal(
        [
            "/v1.PodResourcesLister/List Unary v1.ListPodResourcesRequest -> v1.ListPodResourcesResponse",
            "/v1.PodResourcesLister/GetAllocatableResources Unary v1.AllocatableResourcesRequest -> v1.AllocatableResourcesResponse",
            "/v1.PodResourcesLister/Get Unary v1.GetPodResourcesRequest -> v1.GetPodResourcesResponse",
            "/v1alpha1.PodResourcesLister/List Unary v1alpha1.ListPodResourcesRequest -> v1alpha1.ListPodResourcesResponse",
        ], binder.Methods);
    }
}
