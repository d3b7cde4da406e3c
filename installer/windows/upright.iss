; Inno Setup script for Upright on Windows (Inno Setup 6.3 or later).
;
;   uv run python installer/build.py          (builds dist\upright\ with upright.exe)
;   iscc installer\windows\upright.iss        (writes dist\Upright-VERSION-setup.exe)
;
; Options: iscc /DDistDir=C:\path\to\upright installer\windows\upright.iss builds from another
; PyInstaller folder. The version is not written here: it is read from upright.exe's version
; resource, which installer/build.py writes from pyproject.toml, so the exe, the installer and
; "Installed apps" always agree.
;
; Installs per user (no administrator needed, into %LOCALAPPDATA%\Programs\Upright) or for all
; users (Program Files), chosen in a dialog at the start. Installing a newer version over an
; older one upgrades it in place (same AppId; the old program files are replaced whole).
; Uninstalling removes the program only: the studio's database and backups live in each user's
; data folder (%LOCALAPPDATA%\Upright, where Upright's platformdirs puts upright.sqlite and
; backups\), never in the program's folder, and are left where they are.

#ifndef DistDir
  #define DistDir AddBackslash(SourcePath) + "..\..\dist\upright"
#endif
#define AppExe AddBackslash(DistDir) + "upright.exe"
#define AdminExe AddBackslash(DistDir) + "upright-admin.exe"
#if !FileExists(AppExe)
  #error "No upright.exe in DistDir: run `uv run python installer/build.py` first (or pass /DDistDir=...)"
#endif
#if !FileExists(AdminExe)
  #error "No upright-admin.exe in DistDir: the build is incomplete"
#endif

; From the version resource installer/build.py wrote into upright.exe (pyproject.toml's version).
#define AppVersion GetStringFileInfo(AppExe, "ProductVersion")
#define AppNumericVersion GetVersionNumbersString(AppExe)
#define AppPublisher GetStringFileInfo(AppExe, "CompanyName")
#define AppCopyright GetStringFileInfo(AppExe, "LegalCopyright")
#if Len(AppVersion) == 0
  #error "upright.exe carries no ProductVersion: was it built by installer/build.py?"
#endif

[Setup]
; The AppId identifies Upright to Windows across versions: never change it, or a new version
; installs beside the old one instead of upgrading it.
AppId={{C3E44A08-1687-4509-9BC7-F12A3C845173}
AppName=Upright
AppVersion={#AppVersion}
AppVerName=Upright {#AppVersion}
AppPublisher={#AppPublisher}
AppCopyright={#AppCopyright}
VersionInfoVersion={#AppNumericVersion}
VersionInfoProductVersion={#AppNumericVersion}
VersionInfoProductTextVersion={#AppVersion}
VersionInfoDescription=Upright setup
; Per user by default; the dialog offers "for all users" (which asks for administrator rights).
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
DefaultDirName={autopf}\Upright
DisableProgramGroupPage=yes
UsePreviousAppDir=yes
UsePreviousPrivileges=yes
; Qt 6 needs 64-bit Windows 10 1809 or later.
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0.17763
SetupIconFile=..\..\resources\icons\upright.ico
UninstallDisplayIcon={app}\upright.exe
UninstallDisplayName=Upright
WizardStyle=modern
Compression=lzma2/max
SolidCompression=yes
OutputDir=..\..\dist
OutputBaseFilename=Upright-{#AppVersion}-setup
; An Upright still open is closed (through the Restart Manager) before its files are replaced.
CloseApplications=yes
RestartApplications=no

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"

[Messages]
FinishedLabel=Setup has finished installing [name] on your computer. The application may be launched by selecting the installed shortcuts.%n%nThe studio's database and its backups are kept in your user data folder (AppData\Local\Upright), not in the program's folder: installing a newer version or uninstalling Upright leaves them where they are.
FinishedLabelNoIcons=Setup has finished installing [name] on your computer.%n%nThe studio's database and its backups are kept in your user data folder (AppData\Local\Upright), not in the program's folder: installing a newer version or uninstalling Upright leaves them where they are.

[CustomMessages]
DataKept=Upright has been removed from this computer.%n%nThe studio's database and backups have not been touched: they stay in each user's AppData\Local\Upright folder (for this account: %1). Delete that folder yourself only once the studio's data has been kept somewhere else or is no longer needed.

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[InstallDelete]
; Upgrading: the previous version's libraries go first, so none is left over beside the new ones.
; Only the program's folder: the studio's data is never in it.
Type: filesandordirs; Name: "{app}\_internal"

[Files]
Source: "{#DistDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\Upright"; Filename: "{app}\upright.exe"; WorkingDir: "{app}"; Comment: "Assessments, exercise programs, handouts and referrals for your studio"
Name: "{autodesktop}\Upright"; Filename: "{app}\upright.exe"; WorkingDir: "{app}"; Tasks: desktopicon

[Run]
Filename: "{app}\upright.exe"; Description: "{cm:LaunchProgram,Upright}"; Flags: nowait postinstall skipifsilent

[UninstallDelete]
; Anything Python wrote inside the program's folder at run time; the studio's data is elsewhere.
Type: filesandordirs; Name: "{app}\_internal"

[Code]
procedure CurUninstallStepChanged(CurUninstallStep: TUninstallStep);
begin
  if (CurUninstallStep = usPostUninstall) and not UninstallSilent() then
    MsgBox(FmtMessage(CustomMessage('DataKept'), [ExpandConstant('{localappdata}\Upright')]), mbInformation, MB_OK);
end;
