; Credit Desk (信用核查窗口端) — Windows installer (Inno Setup 6).
;
; Build (on Windows, after `python build_scripts\build.py` made dist\credit-desk\):
;   iscc /DAppVersion=0.1.0 build_scripts\windows\credit-desk.iss
;   (or: python build_scripts\build.py --installer, which passes the version and finds iscc)
; Output: dist\credit-desk-setup-<version>.exe
;
; Silent install for IT, with the deployment config copied to %PROGRAMDATA%\CreditDesk\config.toml:
;   credit-desk-setup-0.1.0.exe /VERYSILENT /SUPPRESSMSGBOXES /NORESTART /CONFIG="\\server\it\hall-12.toml"
;   /SELFTEST   also runs `credit-desk --self-test` after installing; the verdict is written to
;               %PROGRAMDATA%\CreditDesk\install-selftest.txt and a failure ends setup with exit code 1
;               (without the platform-secret probe: the secret is set later, per clerk account)
;   /LOG="C:\it\credit-desk-setup.log"   Inno's own log of what was done
; Without /CONFIG an existing config.toml is left as it is; with none at all the app runs in demo mode.
; Uninstall removes the program only: the config under %PROGRAMDATA%\CreditDesk and each clerk's
; case file under %LOCALAPPDATA%\CreditDesk are kept (archive records).

#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif
#define AppName "Credit Desk"
#define AppExe "credit-desk.exe"
#define BundleDir "..\..\dist\credit-desk"

[Setup]
; A fixed AppId: upgrades replace the same installation instead of adding a second one.
AppId={{8C5A3E71-2F4B-4C86-9E0D-6B1F2A7C9D40}
AppName={#AppName}
AppVerName={#AppName} {#AppVersion}
AppVersion={#AppVersion}
AppPublisher=Credit Desk IT
DefaultDirName={autopf}\CreditDesk
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
PrivilegesRequired=admin
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
OutputDir=..\..\dist
OutputBaseFilename=credit-desk-setup-{#AppVersion}
Compression=lzma2
SolidCompression=yes
WizardStyle=modern
UninstallDisplayIcon={app}\{#AppExe}
; Rendered from resources\icons\app.svg by build.py, like the executable's icon.
SetupIconFile=..\..\build\stamp\app.ico
CloseApplications=yes
SetupLogging=yes

[Languages]
Name: "chinesesimplified"; MessagesFile: "compiler:Languages\ChineseSimplified.isl"
Name: "english"; MessagesFile: "compiler:Default.isl"

[Dirs]
; Readable by clerks, written by IT (the installer runs as administrator).
Name: "{commonappdata}\CreditDesk"; Flags: uninsneveruninstall

[Files]
Source: "{#BundleDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs
; The deployment config named on the command line, read at install time from wherever IT keeps it.
Source: "{code:ConfigSource}"; DestDir: "{commonappdata}\CreditDesk"; DestName: "config.toml"; \
  Flags: external ignoreversion uninsneveruninstall; Check: HasConfig

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#AppExe}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"

[Registry]
; creditdesk:// links from the hall's approval system open the window with the case filled
; (README "The approval system drives the desk"); removed again on uninstall.
Root: HKCR; Subkey: "creditdesk"; ValueType: string; ValueName: ""; ValueData: "URL:Credit Desk check"; Flags: uninsdeletekey
Root: HKCR; Subkey: "creditdesk"; ValueType: string; ValueName: "URL Protocol"; ValueData: ""
Root: HKCR; Subkey: "creditdesk\DefaultIcon"; ValueType: string; ValueName: ""; ValueData: "{app}\{#AppExe},0"
Root: HKCR; Subkey: "creditdesk\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\{#AppExe}"" open-url ""%1"""

[Code]
procedure ExitProcess(uExitCode: Cardinal); external 'ExitProcess@kernel32.dll stdcall';
function SetEnvironmentVariable(lpName, lpValue: String): BOOL;
  external 'SetEnvironmentVariableW@kernel32.dll stdcall';

function ConfigSource(Param: String): String;
begin
  Result := ExpandConstant('{param:CONFIG|}');
end;

function HasConfig: Boolean;
begin
  Result := ConfigSource('') <> '';
end;

function InitializeSetup: Boolean;
begin
  Result := True;
  { A named config that is not there must stop the install: a counter silently left in demo mode
    would look configured. }
  if HasConfig and not FileExists(ConfigSource('')) then
  begin
    Log('Deployment config not found: ' + ConfigSource(''));
    SuppressibleMsgBox('找不到部署配置文件：' + ConfigSource('') + #13#10 +
      '请检查 /CONFIG= 参数后重新安装。', mbCriticalError, MB_OK, IDOK);
    Result := False;
  end;
end;

procedure CurStepChanged(CurStep: TSetupStep);
var
  Code: Integer;
  Verdict: String;
begin
  if (CurStep = ssPostInstall) and (Pos('/SELFTEST', Uppercase(GetCmdTail)) > 0) then
  begin
    Verdict := ExpandConstant('{commonappdata}\CreditDesk\install-selftest.txt');
    { The platform secret lives in each clerk's own Credential Manager, never the installing
      administrator's: that probe would fail every production install, so it is skipped here
      (the verdict names it) and checked by the clerk's own `credit-desk --self-test`. }
    SetEnvironmentVariable('CREDIT_DESK_SELFTEST_SKIP', 'secret');
    Exec(ExpandConstant('{cmd}'), '/C ""' + ExpandConstant('{app}\{#AppExe}') + '" --self-test > "' +
      Verdict + '" 2>&1"', '', SW_HIDE, ewWaitUntilTerminated, Code);
    Log('credit-desk --self-test exit code ' + IntToStr(Code) + ', verdict in ' + Verdict);
    if Code <> 0 then
    begin
      SuppressibleMsgBox('Credit Desk 自检未通过，详见 ' + Verdict + '。', mbError, MB_OK, IDOK);
      { Setup's own exit code: IT's deployment tool sees the failure. }
      ExitProcess(1);
    end;
  end;
end;
