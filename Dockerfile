# sriov-forwarder image. Targets, as upstream's cmd-forwarder-sriov has them:
#   build    - the compiled solution (Release), a base for the others
#   test     - builds the unit-test projects and runs, as an unprivileged user, the tests that need no root
#              (a failing test fails the build: `docker build --target test .`)
#   publish  - the self-contained, trimmed, composite ReadyToRun publish output in /app (decision 047)
#   runtime  - the default: the published executable on the runtime-deps image (it brings its own .NET)
# Base images are build arguments so a machine without registry access can pass local ones
# (deploy/image/build-and-check.sh does).
ARG SDK_IMAGE=mcr.microsoft.com/dotnet/sdk:10.0
ARG RUNTIME_IMAGE=mcr.microsoft.com/dotnet/runtime-deps:10.0
# The runtime the publish is for (decisions 018, 047); linux-arm64 for ARM nodes.
ARG RUNTIME_ID=linux-x64

FROM ${SDK_IMAGE} AS restore
ARG RUNTIME_ID
# Some package feeds' certificate revocation servers are unreachable from build hosts; pass
# --build-arg NUGET_CERT_REVOCATION_MODE=offline there. Unset (NuGet's default: online) otherwise.
ARG NUGET_CERT_REVOCATION_MODE
ENV DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 NUGET_PACKAGES=/nuget/packages
WORKDIR /src
# Only the project and props files: this layer (the NuGet restore) is reused until a dependency changes. The
# .editorconfig sets the analyzer rules the build enforces and turns off (decision 015): without it the Release build
# fails on rules the repository has switched off.
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig ./
COPY src/Api/Api.csproj src/Api/
COPY src/Gateway/Gateway.csproj src/Gateway/
COPY src/Grains.Interfaces/Grains.Interfaces.csproj src/Grains.Interfaces/
COPY src/Grains/Grains.csproj src/Grains/
COPY src/Kernel/Kernel.csproj src/Kernel/
COPY src/Security/Security.csproj src/Security/
COPY src/Silo/Silo.csproj src/Silo/
COPY tests/Directory.Build.props tests/
COPY tests/Silo.Tests/Silo.Tests.csproj tests/Silo.Tests/
COPY tests/Grains.Tests/Grains.Tests.csproj tests/Grains.Tests/
COPY tests/Gateway.Tests/Gateway.Tests.csproj tests/Gateway.Tests/
COPY tests/Kernel.Tests/Kernel.Tests.csproj tests/Kernel.Tests/
RUN dotnet restore src/Silo/Silo.csproj \
 && dotnet restore tests/Silo.Tests/Silo.Tests.csproj \
 && dotnet restore tests/Grains.Tests/Grains.Tests.csproj \
 && dotnet restore tests/Gateway.Tests/Gateway.Tests.csproj \
 && dotnet restore tests/Kernel.Tests/Kernel.Tests.csproj \
 && dotnet restore src/Silo/Silo.csproj -r ${RUNTIME_ID} -p:SelfContained=true

FROM restore AS build
COPY protos/ protos/
COPY src/ src/
RUN dotnet build src/Silo/Silo.csproj -c Release --no-restore

FROM build AS test
COPY tests/ tests/
# The tests that need root (network namespaces, veths, mknod) skip themselves when not root, except the KERNEL
# mechanism's grain tests and the *AsRootTests classes (their constructor makes a namespace), which the filters leave
# out; the end-to-end tests need the executable as root and are not here. Silo.Tests' Deployment tests read the
# Dockerfile and deploy/, which are not in the build context: CI runs them.
RUN useradd --create-home --uid 10001 tester \
 && chown -R tester /src /nuget
USER tester
RUN dotnet test tests/Silo.Tests/Silo.Tests.csproj -c Release --no-restore \
      --filter "FullyQualifiedName!~SriovForwarder.Silo.Tests.Deployment" \
 && dotnet test tests/Kernel.Tests/Kernel.Tests.csproj -c Release --no-restore \
      --filter "FullyQualifiedName!~AsRootTests" \
 && dotnet test tests/Gateway.Tests/Gateway.Tests.csproj -c Release --no-restore \
 && dotnet test tests/Grains.Tests/Grains.Tests.csproj -c Release --no-restore \
      --filter "FullyQualifiedName!~SriovForwarder.Grains.Tests.Chain.Kernel"

FROM build AS publish
# For one runtime, self-contained: Silo.csproj then trims the .NET and ASP.NET Core frameworks (partial trim mode: Orleans,
# gRPC and ours are kept whole) and compiles them, the packages and our code into one composite ReadyToRun image, so
# about 4,000 methods instead of 9,400 are JIT-compiled at start (decisions 018, 047). The cost: the image carries its
# own trimmed .NET instead of sharing the aspnet image's framework layer with other .NET images on the node.
ARG RUNTIME_ID
# Not --no-restore: a separate `dotnet restore` leaves the trimmer's package (Microsoft.NET.ILLink.Tasks) out, and a
# --no-restore publish then silently skips the trimming (tried: an untrimmed composite, 246 MB; decision 047). The
# publish's own restore fetches it; everything else comes from the restore layer's package folder.
RUN dotnet publish src/Silo/Silo.csproj -c Release -r ${RUNTIME_ID} --self-contained true -o /app

FROM ${RUNTIME_IMAGE} AS runtime
# No iproute2 and no RUN step: the forwarder does its kernel work over netlink and sysfs; only the simulated node
# (--simulate, a demo and test aid) runs `ip`, and run as non-root it needs none. Without RUN, a shell-less base
# (e.g. a chiseled runtime-deps image) works as RUNTIME_IMAGE too.
# The official .NET images set ASPNETCORE_HTTP_PORTS=8080; every listener here is explicit (NSM socket, dashboard,
# diagnostics), so clear it rather than have Kestrel log that it overrides it.
ENV DOTNET_CLI_TELEMETRY_OPTOUT=1 \
    ASPNETCORE_HTTP_PORTS= \
    NSM_SRIOV_CONFIG_FILE=/etc/sriov-forwarder/pci.config
WORKDIR /app
COPY --from=publish /app /app
ENTRYPOINT ["/app/sriov-forwarder"]
